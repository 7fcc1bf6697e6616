/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libsystemd on first use. Only the systemd cgroup driver needs it, but a linked
 * libsystemd.so (with libgcrypt, liblzma, libzstd, liblz4 behind it) costs every ocirt
 * command ~4 ms of CPU in the dynamic loader and ~1 MB of RSS (bench/RESULTS.md).
 * These definitions of the sd-bus calls ocirt makes win at link time, so ocirt links
 * libsystemd --as-needed and does not load it at all; each one dlopen()s libsystemd.so.0
 * when first called and forwards to it. A call added elsewhere and not listed here still
 * links: it makes libsystemd a load-time dependency again (a speed regression only). */
#include "config.h"

#ifdef HAVE_SYSTEMD

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

static void *lib_sym(const char *name)
{
	static void *lib;

	if (!lib)
		lib = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	return lib ? dlsym(lib, name) : NULL;
}

/* ELIBACC: "Can not access a needed shared library", in the caller's error message */
#define LAZY(ret, name, params, args, fail)                                                  \
	ret name params                                                                      \
	{                                                                                    \
		static ret(*f) params;                                                       \
		if (!f)                                                                      \
			f = (ret(*) params)lib_sym(#name);                                   \
		if (!f)                                                                      \
			return fail;                                                         \
		return f args;                                                               \
	}

LAZY(int, sd_bus_open_system, (sd_bus * *ret), (ret), -ELIBACC)
LAZY(int, sd_bus_open_user, (sd_bus * *ret), (ret), -ELIBACC)
LAZY(int, sd_bus_call,
     (sd_bus * bus, sd_bus_message *m, uint64_t usec, sd_bus_error *ret_error, sd_bus_message **reply),
     (bus, m, usec, ret_error, reply), -ELIBACC)
LAZY(int, sd_bus_process, (sd_bus * bus, sd_bus_message **r), (bus, r), -ELIBACC)
LAZY(int, sd_bus_wait, (sd_bus * bus, uint64_t timeout_usec), (bus, timeout_usec), -ELIBACC)
LAZY(int, sd_bus_message_new_method_call,
     (sd_bus * bus, sd_bus_message **m, const char *destination, const char *path, const char *interface,
      const char *member),
     (bus, m, destination, path, interface, member), -ELIBACC)
LAZY(int, sd_bus_message_appendv, (sd_bus_message * m, const char *types, va_list ap), (m, types, ap), -ELIBACC)
LAZY(int, sd_bus_message_open_container, (sd_bus_message * m, char type, const char *contents),
     (m, type, contents), -ELIBACC)
LAZY(int, sd_bus_message_close_container, (sd_bus_message * m), (m), -ELIBACC)
LAZY(int, sd_bus_message_readv, (sd_bus_message * m, const char *types, va_list ap), (m, types, ap), -ELIBACC)
LAZY(int, sd_bus_call_methodv,
     (sd_bus * bus, const char *destination, const char *path, const char *interface, const char *member,
      sd_bus_error *ret_error, sd_bus_message **reply, const char *types, va_list ap),
     (bus, destination, path, interface, member, ret_error, reply, types, ap), -ELIBACC)
LAZY(int, sd_bus_match_signal,
     (sd_bus * bus, sd_bus_slot **ret, const char *sender, const char *path, const char *interface,
      const char *member, sd_bus_message_handler_t callback, void *userdata),
     (bus, ret, sender, path, interface, member, callback, userdata), -ELIBACC)
LAZY(int, sd_bus_error_has_name, (const sd_bus_error *e, const char *name), (e, name), 0)
/* objects only exist once the library is loaded: without it there is nothing to free */
LAZY(sd_bus *, sd_bus_flush_close_unref, (sd_bus * bus), (bus), NULL)
LAZY(sd_bus_message *, sd_bus_message_unref, (sd_bus_message * m), (m), NULL)
LAZY(sd_bus_slot *, sd_bus_slot_unref, (sd_bus_slot * slot), (slot), NULL)

void sd_bus_error_free(sd_bus_error *e)
{
	static void (*f)(sd_bus_error *);

	if (!f)
		f = (void (*)(sd_bus_error *))lib_sym("sd_bus_error_free");
	if (f)
		f(e);
}

/* the variadic calls go through their va_list forms */
int sd_bus_message_append(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = sd_bus_message_appendv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_message_read(sd_bus_message *m, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int r = sd_bus_message_readv(m, types, ap);
	va_end(ap);
	return r;
}

int sd_bus_call_method(sd_bus *bus, const char *destination, const char *path, const char *interface,
		       const char *member, sd_bus_error *ret_error, sd_bus_message **reply, const char *types,
		       ...)
{
	va_list ap;
	va_start(ap, types);
	int r = sd_bus_call_methodv(bus, destination, path, interface, member, ret_error, reply, types, ap);
	va_end(ap);
	return r;
}

#endif
