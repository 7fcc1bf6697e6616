/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The compiled-BPF cache: <state root>/.seccomp~cache/<sha256 hex>.bpf.
 *
 * Compiling Podman's ~400-syscall profile with libseccomp costs milliseconds on every start
 * while the profile hardly ever changes, so the BPF is kept, keyed by a SHA-256 of
 * everything that shapes it. An entry is trusted only when the directory and the file belong
 * to us and nobody else can write them, and when its header (magic, format version, key,
 * count) and the digest of its instructions check out; anything else is removed and rebuilt.
 * Writes go to a temp file renamed into place, so readers never see half an entry. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <seccomp.h>

#include "common/fd-util.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "libocirt/seccomp.h"

/* ---- SHA-256 (FIPS 180-4) ---- */

static const uint32_t sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static inline uint32_t ror32(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

static void sha256_block(struct ocirt_sha256 *c, const uint8_t *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
		       (uint32_t)p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
	e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t S1 = ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25);
		uint32_t ch = (e & f) ^ (~e & g);
		uint32_t t1 = h + S1 + ch + sha256_k[i] + w[i];
		uint32_t S0 = ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22);
		uint32_t maj = (a & b) ^ (a & cc) ^ (b & cc);
		uint32_t t2 = S0 + maj;
		h = g, g = f, f = e, e = d + t1;
		d = cc, cc = b, b = a, a = t1 + t2;
	}
	c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d;
	c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

void ocirt_sha256_init(struct ocirt_sha256 *c)
{
	static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
	                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->buflen = 0;
}

void ocirt_sha256_update(struct ocirt_sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	c->total += len;
	if (c->buflen) {
		size_t take = 64 - c->buflen < len ? 64 - c->buflen : len;
		memcpy(c->buf + c->buflen, p, take);
		c->buflen += take;
		p += take;
		len -= take;
		if (c->buflen < 64)
			return;
		sha256_block(c, c->buf);
		c->buflen = 0;
	}
	for (; len >= 64; p += 64, len -= 64)
		sha256_block(c, p);
	memcpy(c->buf, p, len);
	c->buflen = len;
}

void ocirt_sha256_final(struct ocirt_sha256 *c, uint8_t out[OCIRT_SHA256_LEN])
{
	uint64_t bits = c->total * 8;
	uint8_t pad = 0x80, zero = 0, lenbuf[8];

	ocirt_sha256_update(c, &pad, 1);
	while (c->buflen != 56)
		ocirt_sha256_update(c, &zero, 1);
	for (int i = 0; i < 8; i++)
		lenbuf[i] = (uint8_t)(bits >> (56 - 8 * i));
	ocirt_sha256_update(c, lenbuf, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

/* ---- the key ---- */

/* Bump when the compiler's output for the same input changes (attributes, rule shapes). */
#define CACHE_FORMAT_VERSION 2

static void put_u64(struct ocirt_sha256 *c, uint64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)(v >> (8 * i));
	ocirt_sha256_update(c, b, 8);
}

/* Length-prefixed, with absent distinct from empty: no two inputs serialise alike. */
static void put_str(struct ocirt_sha256 *c, const char *s)
{
	if (!s) {
		put_u64(c, UINT64_MAX);
		return;
	}
	size_t n = strlen(s);
	put_u64(c, n);
	ocirt_sha256_update(c, s, n);
}

static void put_strv(struct ocirt_sha256 *c, char **v)
{
	size_t n = 0;

	if (!v) {
		put_u64(c, UINT64_MAX);
		return;
	}
	while (v[n])
		n++;
	put_u64(c, n);
	for (size_t i = 0; i < n; i++)
		put_str(c, v[i]);
}

void ocirt_seccomp_cache_key(const struct oci_seccomp *s, uint8_t key[OCIRT_SHA256_LEN])
{
	const struct scmp_version *v = seccomp_version();
	struct ocirt_sha256 c;

	ocirt_sha256_init(&c);
	put_str(&c, "ocirt-seccomp-bpf");
	put_u64(&c, CACHE_FORMAT_VERSION);
	put_u64(&c, v ? v->major : 0);
	put_u64(&c, v ? v->minor : 0);
	put_u64(&c, v ? v->micro : 0);
	put_u64(&c, seccomp_api_get()); /* what libseccomp will emit depends on it */
	put_u64(&c, seccomp_arch_native());

	put_str(&c, s->default_action);
	put_u64(&c, s->has_default_errno_ret ? (uint64_t)s->default_errno_ret : UINT64_MAX);
	put_strv(&c, s->architectures);
	put_u64(&c, s->syscalls_len);
	for (size_t i = 0; i < s->syscalls_len; i++) {
		const struct oci_seccomp_syscall *sc = &s->syscalls[i];
		put_strv(&c, sc->names);
		put_str(&c, sc->action);
		put_u64(&c, sc->has_errno_ret ? (uint64_t)sc->errno_ret : UINT64_MAX);
		put_u64(&c, sc->args_len);
		for (size_t a = 0; a < sc->args_len; a++) {
			put_u64(&c, sc->args[a].index);
			put_u64(&c, sc->args[a].value);
			put_u64(&c, sc->args[a].has_value_two);
			put_u64(&c, sc->args[a].value_two);
			put_str(&c, sc->args[a].op);
		}
	}
	/* flags and the listener don't shape the program: they are not part of the key. */
	ocirt_sha256_final(&c, key);
}

/* ---- entries ---- */

#define CACHE_MAGIC       "OCIRTBPF"
#define CACHE_MAX_ENTRIES 128

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t count; /* instructions that follow */
	uint8_t key[OCIRT_SHA256_LEN];
	uint8_t digest[OCIRT_SHA256_LEN]; /* SHA-256 of the instructions */
};

static void hex(const uint8_t *b, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
	out[2 * n] = '\0';
}

static char *entry_name(const uint8_t key[OCIRT_SHA256_LEN])
{
	char h[2 * OCIRT_SHA256_LEN + 1];
	hex(key, OCIRT_SHA256_LEN, h);
	return xasprintf("%s.bpf", h);
}

char *ocirt_seccomp_cache_entry_path(const char *dir, const uint8_t key[OCIRT_SHA256_LEN])
{
	_cleanup_free_ char *n = entry_name(key);
	return xasprintf("%s/%s", dir, n);
}

/* A directory we can trust: ours, and writable by nobody else. */
static int open_cache_dir(const char *dir, bool create)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		/* The state root normally exists (state.c makes it); make it 0700 if not. */
		_cleanup_free_ char *parent = xstrdup(dir);
		char *slash = strrchr(parent, '/');
		if (slash && slash != parent) {
			*slash = '\0';
			if (mkdir(parent, 0700) < 0 && errno != EEXIST)
				return -1;
		}
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return -1;
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		return -1;
	if (st.st_uid != geteuid()) {
		log_debug("seccomp cache `%s` is owned by uid %u, not us: not used", dir, (unsigned)st.st_uid);
		return -1;
	}
	if ((st.st_mode & 07777) != 0700 && fchmod(fd, 0700) < 0)
		return -1;
	return TAKE_FD(fd);
}

static void digest_insns(const struct sock_filter *insns, size_t len, uint8_t out[OCIRT_SHA256_LEN])
{
	struct ocirt_sha256 c;
	ocirt_sha256_init(&c);
	ocirt_sha256_update(&c, insns, len * sizeof(*insns));
	ocirt_sha256_final(&c, out);
}

int ocirt_seccomp_cache_get(const char *dir, const uint8_t key[OCIRT_SHA256_LEN], struct sock_filter **ret_insns,
                            size_t *ret_len)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	_cleanup_free_ char *name = entry_name(key);
	_cleanup_free_ struct sock_filter *insns = NULL;
	struct cache_header h;
	uint8_t digest[OCIRT_SHA256_LEN];
	struct stat st;
	const char *why;

	dfd = open_cache_dir(dir, false);
	if (dfd < 0)
		return 0;
	fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		if (errno != ENOENT)
			log_debug("seccomp cache: open %s: %s", name, strerror(errno));
		return 0;
	}
	why = "not a regular file owned by us, writable only by us";
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 022))
		goto bad;
	why = "bad size";
	if (st.st_size < (off_t)sizeof(h) ||
	    st.st_size > (off_t)(sizeof(h) + BPF_MAXINSNS * sizeof(struct sock_filter)))
		goto bad;
	why = "short read";
	if (read_all(fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
		goto bad;
	why = "bad header";
	if (memcmp(h.magic, CACHE_MAGIC, 8) != 0 || h.version != CACHE_FORMAT_VERSION || h.count == 0 ||
	    h.count > BPF_MAXINSNS || memcmp(h.key, key, OCIRT_SHA256_LEN) != 0 ||
	    (size_t)st.st_size != sizeof(h) + (size_t)h.count * sizeof(struct sock_filter))
		goto bad;
	insns = xmalloc((size_t)h.count * sizeof(struct sock_filter));
	why = "short read";
	if (read_all(fd, insns, (size_t)h.count * sizeof(struct sock_filter)) !=
	    (ssize_t)((size_t)h.count * sizeof(struct sock_filter)))
		goto bad;
	digest_insns(insns, h.count, digest);
	why = "digest mismatch";
	if (memcmp(digest, h.digest, OCIRT_SHA256_LEN) != 0)
		goto bad;

	*ret_len = h.count;
	*ret_insns = TAKE_PTR(insns);
	return 1;
bad:
	log_debug("seccomp cache: dropping entry %s: %s", name, why);
	(void)unlinkat(dfd, name, 0);
	return 0;
}

/* Keep the directory bounded: past CACHE_MAX_ENTRIES, drop the oldest entries. */
static void prune(int dfd)
{
	struct ent {
		char name[80];
		struct timespec mtime;
	} *v = NULL;
	size_t n = 0, cap = 0;
	int dfd2 = dup(dfd);
	DIR *d;
	struct dirent *de;

	if (dfd2 < 0)
		return;
	d = fdopendir(dfd2);
	if (!d) {
		close(dfd2);
		return;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		struct stat st;
		if (l < 5 || l >= sizeof(v->name) || strcmp(de->d_name + l - 4, ".bpf") != 0)
			continue;
		if (fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			v = xreallocarray(v, cap, sizeof(*v));
		}
		strcpy(v[n].name, de->d_name);
		v[n].mtime = st.st_mtim;
		n++;
	}
	closedir(d);
	while (n > CACHE_MAX_ENTRIES) {
		size_t oldest = 0;
		for (size_t i = 1; i < n; i++)
			if (v[i].mtime.tv_sec < v[oldest].mtime.tv_sec ||
			    (v[i].mtime.tv_sec == v[oldest].mtime.tv_sec &&
			     v[i].mtime.tv_nsec < v[oldest].mtime.tv_nsec))
				oldest = i;
		(void)unlinkat(dfd, v[oldest].name, 0);
		v[oldest] = v[--n];
	}
	free(v);
}

void ocirt_seccomp_cache_put(const char *dir, const uint8_t key[OCIRT_SHA256_LEN], const struct sock_filter *insns,
                             size_t len)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = entry_name(key);
	_cleanup_free_ char *data = NULL;
	struct cache_header h;
	int r;

	if (len == 0 || len > BPF_MAXINSNS)
		return;
	dfd = open_cache_dir(dir, true);
	if (dfd < 0) {
		log_debug("seccomp cache `%s` unusable: %s", dir, strerror(errno));
		return;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, CACHE_MAGIC, 8);
	h.version = CACHE_FORMAT_VERSION;
	h.count = (uint32_t)len;
	memcpy(h.key, key, OCIRT_SHA256_LEN);
	digest_insns(insns, len, h.digest);

	data = xmalloc(sizeof(h) + len * sizeof(*insns));
	memcpy(data, &h, sizeof(h));
	memcpy(data + sizeof(h), insns, len * sizeof(*insns));
	r = write_file_atomic_at(dfd, name, data, sizeof(h) + len * sizeof(*insns), 0600);
	if (r < 0) {
		log_debug("seccomp cache: write %s: %s", name, strerror(-r));
		return;
	}
	prune(dfd);
}
