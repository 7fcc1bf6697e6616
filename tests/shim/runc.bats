#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocishim driven like podman drives conmon, with runc as the OCI runtime (cases.bash).

load cases

setup() { shim_setup runc; }
teardown() { shim_teardown; }

@test "shim/runc: create sends the PID on the sync pipe; exit file and exit command" { case_create_sync_exit; }
@test "shim/runc: a signal death is 128+n in the exit file" { case_exit_signal; }
@test "shim/runc: k8s-file log in the CRI format (timestamps, streams, F/P)" { case_k8s_log_format; }
@test "shim/runc: a line longer than a read chunk becomes P records then F" { case_k8s_long_line; }
@test "shim/runc: fast output right before exit is not lost" { case_fast_writer; }
@test "shim/runc: --log-size-max truncates the log" { case_log_size_max; }
@test "shim/runc: ctl reopen (2) truncates the log" { case_ctl_reopen; }
@test "shim/runc: the runtime's error is the sync pipe message" { case_runtime_error; }
@test "shim/runc: attach socket output framing (2 stdout, 3 stderr)" { case_attach_output; }
@test "shim/runc: -i: attach input to stdin, half-close closes stdin" { case_attach_stdin; }
@test "shim/runc: --leave-stdin-open keeps stdin across clients" { case_leave_stdin_open; }
@test "shim/runc: --socket-dir-path without --full-attach" { case_socket_dir_path; }
@test "shim/runc: -t: terminal through the console socket, ctl resize" { case_terminal; }
@test "shim/runc: --timeout kills the container, exit status -1" { case_timeout; }
@test "shim/runc: OOM kill writes the oom file in the bundle and persist dir" { case_oom; }
@test "shim/runc: no oom file without an OOM kill" { case_no_oom; }
@test "shim/runc: exec mode (attach pipe, two start bytes, PID then exit code)" { case_exec; }
@test "shim/runc: journald driver: podman's fields, partial lines" { case_journald; }
@test "shim/runc: VmRSS of the shim daemon below conmon's" { case_rss_vs_conmon; }
@test "shim/runc: --sdnotify-socket relays READY=1 and WATCHDOG=1 only" { case_sdnotify; }
@test "shim/runc: exec -t -i through the console socket" { case_exec_tty; }
@test "shim/runc: the shim SIGKILLed: the container runs on, no exit file; kill + delete -f leave nothing" { case_shim_killed; }
@test "shim/runc: --version is conmon's format" { case_version; }
@test "shim/runc: bad options fail with exit 1" { case_bad_options; }
