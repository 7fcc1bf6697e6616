/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The journald log driver: one journal entry per line with podman's fields
 * (CONTAINER_ID_FULL, PRIORITY 6/3, CONTAINER_PARTIAL_MESSAGE for partial lines...). Partial
 * lines are buffered per stream up to one chunk.
 * Entries are sent with journald's native protocol, the datagram sd_journal_sendv() sends
 * (KEY=value lines; KEY\n<le64 length><value>\n for values with newlines), on
 * /run/systemd/journal/socket. Not linking libsystemd keeps the shim a small static binary
 * (libsystemd and its five compression/crypto libraries would double its RSS, and dlopen()
 * from a static binary breaks when glibc is updated). Our entries are at most one chunk plus
 * a few fields, far below the datagram size that would need sd_journal_sendv's memfd path. */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "common/macros.h"
#include "common/xalloc.h"
#include "shim/shim.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

int journald_log_setup(struct shim *s)
{
	if (strlen(s->o.cid) <= 12) {
		pr_err("Container ID must be longer than 12 characters");
		return -EINVAL;
	}
	s->journal_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s->journal_fd < 0) {
		int r = -errno;
		pr_err("journald socket: %s", strerror(errno));
		return r;
	}
	return 0;
}

/* Append one field to the datagram in buf (size it with field_size). */
static size_t field_put(char *buf, const char *key, const char *val, size_t vlen)
{
	size_t kl = strlen(key), n = 0;
	memcpy(buf, key, kl);
	n += kl;
	if (memchr(val, '\n', vlen)) {
		buf[n++] = '\n';
		uint64_t le = vlen;
		for (int i = 0; i < 8; i++)
			buf[n++] = (char)((le >> (8 * i)) & 0xff);
	} else {
		buf[n++] = '=';
	}
	memcpy(buf + n, val, vlen);
	n += vlen;
	buf[n++] = '\n';
	return n;
}

static int journal_send(struct shim *s, const struct iovec *fields, size_t nfields)
{
	size_t total = 0;
	for (size_t i = 0; i < nfields; i++)
		total += fields[i].iov_len + 10;
	_cleanup_free_ char *buf = xmalloc(total);
	size_t n = 0;
	for (size_t i = 0; i < nfields; i++) {
		const char *f = fields[i].iov_base;
		const char *eq = memchr(f, '=', fields[i].iov_len);
		char key[64];
		size_t kl = eq ? (size_t)(eq - f) : 0;
		if (!eq || kl >= sizeof(key))
			continue;
		memcpy(key, f, kl);
		key[kl] = '\0';
		n += field_put(buf + n, key, eq + 1, fields[i].iov_len - kl - 1);
	}
	struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = JOURNAL_SOCKET};
	if (sendto(s->journal_fd, buf, n, MSG_NOSIGNAL, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static void send_line(struct shim *s, int stream, const char *a, size_t alen, const char *b, size_t blen, bool partial)
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
	                                                               : s->o.name  ? s->o.name
	                                                                            : id + 13);
	struct iovec iov[9];
	int n = 0;
#define ADD(str, l) iov[n++] = (struct iovec){(void *)(str), (l)}
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
	int r = journal_send(s, iov, (size_t)n);
	if (r < 0)
		pr_warn("send to journald: %s", strerror(-r));
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
