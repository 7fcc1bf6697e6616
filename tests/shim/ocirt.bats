#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# ocishim driven like podman drives conmon, with ocirt as the OCI runtime (cases.bash).

load cases

setup() { shim_setup ocirt; }
teardown() { shim_teardown; }

@test "shim/ocirt: create sends the PID on the sync pipe; exit file and exit command" { case_create_sync_exit; }
@test "shim/ocirt: a signal death is 128+n in the exit file" { case_exit_signal; }
@test "shim/ocirt: k8s-file log in the CRI format (timestamps, streams, F/P)" { case_k8s_log_format; }
@test "shim/ocirt: a line longer than a read chunk becomes P records then F" { case_k8s_long_line; }
@test "shim/ocirt: fast output right before exit is not lost" { case_fast_writer; }
@test "shim/ocirt: --log-size-max truncates the log" { case_log_size_max; }
@test "shim/ocirt: ctl reopen (2) truncates the log" { case_ctl_reopen; }
@test "shim/ocirt: the runtime's error is the sync pipe message" { case_runtime_error; }
@test "shim/ocirt: attach socket output framing (2 stdout, 3 stderr)" { case_attach_output; }
@test "shim/ocirt: -i: attach input to stdin, half-close closes stdin" { case_attach_stdin; }
@test "shim/ocirt: --leave-stdin-open keeps stdin across clients" { case_leave_stdin_open; }
@test "shim/ocirt: --socket-dir-path without --full-attach" { case_socket_dir_path; }
@test "shim/ocirt: -t: terminal through the console socket, ctl resize" { case_terminal; }
@test "shim/ocirt: --timeout kills the container, exit status -1" { case_timeout; }
@test "shim/ocirt: OOM kill writes the oom file in the bundle and persist dir" { case_oom; }
@test "shim/ocirt: no oom file without an OOM kill" { case_no_oom; }
@test "shim/ocirt: exec mode (attach pipe, two start bytes, PID then exit code)" { case_exec; }
@test "shim/ocirt: journald driver: podman's fields, partial lines" { case_journald; }
@test "shim/ocirt: VmRSS of the shim daemon below conmon's" { case_rss_vs_conmon; }
@test "shim/ocirt: --sdnotify-socket relays READY=1 and WATCHDOG=1 only" { case_sdnotify; }
@test "shim/ocirt: exec -t -i through the console socket" { case_exec_tty; }
@test "shim/ocirt: the shim SIGKILLed: the container runs on, no exit file; kill + delete -f leave nothing" { case_shim_killed; }
@test "shim/ocirt: --version is conmon's format" { case_version; }
@test "shim/ocirt: bad options fail with exit 1" { case_bad_options; }
