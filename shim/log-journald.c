/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journald log driver: one sd_journal_sendv per line with podman's fields
 * (CONTAINER_ID_FULL, PRIORITY 6/3, CONTAINER_PARTIAL_MESSAGE for partial lines...). Partial
 * lines are buffered per stream up to one chunk.
 * libsystemd is dlopen()ed only when this driver is chosen: linking it would map it and its
 * five compression/crypto dependencies into every shim (≈ +15% RSS) for a driver most
 * containers never use. Without libsystemd.so.0 the driver is refused at startup. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "common/macros.h"
#include "common/xalloc.h"
#include "shim/shim.h"

#include <dlfcn.h>

typedef int (*sendv_fn)(const struct iovec *iov, int n);
static sendv_fn sd_journal_sendv_p; /* resolved once at startup, like a linked symbol */

int journald_log_setup(struct shim *s)
{
	if (strlen(s->o.cid) <= 12) {
		pr_err("Container ID must be longer than 12 characters");
		return -EINVAL;
	}
	void *h = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
	if (h)
		sd_journal_sendv_p = (sendv_fn)dlsym(h, "sd_journal_sendv");
	if (!sd_journal_sendv_p) {
		const char *e = dlerror();
		pr_err("journald logging needs libsystemd.so.0: %s", e ? e : "sd_journal_sendv not found");
		return -ENOTSUP;
	}
	return 0;
}

static void send_line(struct shim *s, int stream, const char *a, size_t alen, const char *b, size_t blen,
		      bool partial)
{
	_cleanup_free_ char *msg = xmalloc(8 + alen + blen);
	memcpy(msg, "MESSAGE=", 8);
	memcpy(msg + 8, a, alen);
	memcpy(msg + 8 + alen, b, blen);
	_cleanup_free_ char *idfull = xasprintf("CONTAINER_ID_FULL=%s", s->o.cid);
	_cleanup_free_ char *id = xasprintf("CONTAINER_ID=%.12s", s->o.cid);
	_cleanup_free_ char *tag = s->o.log_tag ? xasprintf("CONTAINER_TAG=%s", s->o.log_tag) : NULL;
	_cleanup_free_ char *name = s->o.name ? xasprintf("CONTAINER_NAME=%s", s->o.name) : NULL;
	_cleanup_free_ char *ident = xasprintf("SYSLOG_IDENTIFIER=%s", s->o.log_tag ? s->o.log_tag
								    : s->o.name ? s->o.name : id + 13);
	struct iovec iov[9];
	int n = 0;
#define ADD(str, l) iov[n++] = (struct iovec){ (void *)(str), (l) }
	ADD(msg, 8 + alen + blen);
	ADD(idfull, strlen(idfull));
	ADD(stream == STREAM_STDERR ? "PRIORITY=3" : "PRIORITY=6", 10);
	ADD(id, strlen(id));
	if (tag)
		ADD(tag, strlen(tag));
	if (name)
		ADD(name, strlen(name));
	ADD(ident, strlen(ident));
	if (partial)
		ADD("CONTAINER_PARTIAL_MESSAGE=true", 30);
#undef ADD
	int r = sd_journal_sendv_p(iov, n);
	if (r < 0)
		pr_warn("sd_journal_sendv: %s", strerror(-r));
}

void journald_log_write(struct shim *s, int stream, const char *buf, size_t len)
{
	int i = stream == STREAM_STDERR ? 1 : 0;
	while (len > 0) {
		const char *nl = memchr(buf, '\n', len);
		if (nl) {
			size_t l = (size_t)(nl - buf) + 1;
			send_line(s, stream, s->jpartial[i], s->jpartial_len[i], buf, l, false);
			s->jpartial_len[i] = 0;
			buf += l;
			len -= l;
			continue;
		}
		if (s->jpartial_len[i] + len > sizeof(s->jpartial[i])) {
			send_line(s, stream, s->jpartial[i], s->jpartial_len[i], buf, len, true);
			s->jpartial_len[i] = 0;
		} else {
			memcpy(s->jpartial[i] + s->jpartial_len[i], buf, len);
			s->jpartial_len[i] += len;
		}
		break;
	}
}

void journald_log_flush(struct shim *s)
{
	for (int i = 0; i < 2; i++) {
		if (s->jpartial_len[i] == 0)
			continue;
		send_line(s, i ? STREAM_STDERR : STREAM_STDOUT, s->jpartial[i], s->jpartial_len[i], "", 0, true);
		s->jpartial_len[i] = 0;
	}
}
