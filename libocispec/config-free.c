/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Destructors for the config model. Each accepts NULL and half-built objects. */
#include "config.h"
#include <string.h>
#include "common/strv.h"
#include "libocispec/internal.h"

void oci_map_free(struct oci_map *m)
{
	size_t i;

	if (!m)
		return;
	for (i = 0; i < m->len; i++) {
		free(m->items[i].key);
		free(m->items[i].value);
	}
	free(m->items);
	free(m);
}

static void free_id_mappings(struct oci_id_mapping *m)
{
	free(m);
}

void free_process_content(struct oci_process *proc)
{
	size_t i;

	free(proc->console_size);
	free(proc->user.additional_gids);
	free(proc->user.username);
	strv_free(proc->args);
	free(proc->command_line);
	strv_free(proc->env);
	free(proc->cwd);
	if (proc->capabilities) {
		strv_free(proc->capabilities->bounding);
		strv_free(proc->capabilities->effective);
		strv_free(proc->capabilities->inheritable);
		strv_free(proc->capabilities->permitted);
		strv_free(proc->capabilities->ambient);
		free(proc->capabilities);
	}
	for (i = 0; i < proc->rlimits_len; i++)
		free(proc->rlimits[i].type);
	free(proc->rlimits);
	free(proc->apparmor_profile);
	free(proc->selinux_label);
	if (proc->scheduler) {
		free(proc->scheduler->policy);
		strv_free(proc->scheduler->flags);
		free(proc->scheduler);
	}
	if (proc->io_priority) {
		free(proc->io_priority->class_);
		free(proc->io_priority);
	}
	if (proc->exec_cpu_affinity) {
		free(proc->exec_cpu_affinity->initial);
		free(proc->exec_cpu_affinity->final);
		free(proc->exec_cpu_affinity);
	}
}

void oci_process_free(struct oci_process *proc)
{
	if (!proc)
		return;
	free_process_content(proc);
	free(proc);
}

void free_resources_content(struct oci_resources *r)
{
	size_t i;

	for (i = 0; i < r->devices_len; i++) {
		free(r->devices[i].type);
		free(r->devices[i].access);
	}
	free(r->devices);
	free(r->memory);
	if (r->cpu) {
		free(r->cpu->cpus);
		free(r->cpu->mems);
		free(r->cpu);
	}
	free(r->pids);
	if (r->block_io) {
		free(r->block_io->weight_device);
		free(r->block_io->throttle_read_bps_device);
		free(r->block_io->throttle_write_bps_device);
		free(r->block_io->throttle_read_iops_device);
		free(r->block_io->throttle_write_iops_device);
		free(r->block_io);
	}
	for (i = 0; i < r->hugepage_limits_len; i++)
		free(r->hugepage_limits[i].page_size);
	free(r->hugepage_limits);
	if (r->network) {
		for (i = 0; i < r->network->priorities_len; i++)
			free(r->network->priorities[i].name);
		free(r->network->priorities);
		free(r->network);
	}
	for (i = 0; i < r->rdma_len; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	oci_map_free(r->unified);
}

void oci_resources_free(struct oci_resources *r)
{
	if (!r)
		return;
	free_resources_content(r);
	free(r);
}

static void free_seccomp(struct oci_seccomp *s)
{
	size_t i, j;

	if (!s)
		return;
	free(s->default_action);
	strv_free(s->architectures);
	strv_free(s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (i = 0; i < s->syscalls_len; i++) {
		struct oci_seccomp_syscall *sc = &s->syscalls[i];
		strv_free(sc->names);
		free(sc->action);
		for (j = 0; j < sc->args_len; j++)
			free(sc->args[j].op);
		free(sc->args);
	}
	free(s->syscalls);
	free(s);
}

void free_linux_content(struct oci_linux *l)
{
	size_t i;

	free_id_mappings(l->uid_mappings);
	free_id_mappings(l->gid_mappings);
	for (i = 0; i < l->time_offsets_len; i++)
		free(l->time_offsets[i].clock);
	free(l->time_offsets);
	oci_map_free(l->sysctl);
	oci_resources_free(l->resources);
	free(l->cgroups_path);
	for (i = 0; i < l->namespaces_len; i++) {
		free(l->namespaces[i].type);
		free(l->namespaces[i].path);
	}
	free(l->namespaces);
	for (i = 0; i < l->devices_len; i++) {
		free(l->devices[i].type);
		free(l->devices[i].path);
	}
	free(l->devices);
	free_seccomp(l->seccomp);
	free(l->rootfs_propagation);
	strv_free(l->masked_paths);
	strv_free(l->readonly_paths);
	free(l->mount_label);
	if (l->intel_rdt) {
		free(l->intel_rdt->clos_id);
		free(l->intel_rdt->l3_cache_schema);
		free(l->intel_rdt->mem_bw_schema);
		strv_free(l->intel_rdt->schemata);
		free(l->intel_rdt);
	}
	if (l->personality) {
		free(l->personality->domain);
		strv_free(l->personality->flags);
		free(l->personality);
	}
	for (i = 0; i < l->net_devices_len; i++) {
		free(l->net_devices[i].host_name);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	if (l->memory_policy) {
		free(l->memory_policy->mode);
		free(l->memory_policy->nodes);
		strv_free(l->memory_policy->flags);
		free(l->memory_policy);
	}
}

static void free_hooks(struct oci_hook *h, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free(h[i].path);
		strv_free(h[i].args);
		strv_free(h[i].env);
	}
	free(h);
}

void oci_config_free(struct oci_config *c)
{
	size_t i;

	if (!c)
		return;
	free(c->oci_version);
	oci_process_free(c->process);
	if (c->root) {
		free(c->root->path);
		free(c->root);
	}
	free(c->hostname);
	free(c->domainname);
	for (i = 0; i < c->mounts_len; i++) {
		free(c->mounts[i].destination);
		free(c->mounts[i].type);
		free(c->mounts[i].source);
		strv_free(c->mounts[i].options);
		free_id_mappings(c->mounts[i].uid_mappings);
		free_id_mappings(c->mounts[i].gid_mappings);
	}
	free(c->mounts);
	if (c->hooks) {
		free_hooks(c->hooks->prestart, c->hooks->prestart_len);
		free_hooks(c->hooks->create_runtime, c->hooks->create_runtime_len);
		free_hooks(c->hooks->create_container, c->hooks->create_container_len);
		free_hooks(c->hooks->start_container, c->hooks->start_container_len);
		free_hooks(c->hooks->poststart, c->hooks->poststart_len);
		free_hooks(c->hooks->poststop, c->hooks->poststop_len);
		free(c->hooks);
	}
	oci_map_free(c->annotations);
	if (c->linux_) {
		free_linux_content(c->linux_);
		free(c->linux_);
	}
	free(c);
}
