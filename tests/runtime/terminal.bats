#!/usr/bin/env bats
# process.terminal: the console socket protocol, the pty inside the container, the
# terminal/console-socket rules, and the foreground relay of `run`.

load ../helpers
load ../helpers-lifecycle

setup() {
	requires root busybox recvtty
	setup_bundle
	with_out_dir
	SOCK="$BATS_TEST_TMPDIR/tty.sock"
	update_config '.process.terminal = true'
}

teardown() {
	stop_recvtty
	teardown_bundle
}

@test "console socket: one message, a payload, the master; the slave is the process's tty" {
	update_config '.process.consoleSize = {"height": 31, "width": 97}'
	sh_args 'tty > /out/tty; stty size > /out/size; ls -l /dev/console > /out/console; readlink /proc/self/fd/0 > /out/fd1; sleep 100'
	start_recvtty "$SOCK" -m drain -p "$BATS_TEST_TMPDIR/payload"
	ocirt create -b "$BUNDLE" --console-socket "$SOCK" "$CID"
	[ "$status" -eq 0 ]
	# create returned: the master is with recvtty already (no accept awaited)
	[ -s "$BATS_TEST_TMPDIR/payload" ]
	ocirt start "$CID"
	[ "$status" -eq 0 ]
	wait_file "$OUT/fd1"
	[[ "$(cat "$OUT/tty")" == /dev/pts/* ]]
	[ "$(cat "$OUT/size")" = "31 97" ]
	[ "$(cat "$OUT/fd1")" = "$(cat "$OUT/tty")" ]
	# /dev/console is the pty slave (devpts major 136)
	[[ "$(cat "$OUT/console")" == c*" 136, "* ]]
	ocirt delete -f "$CID"
	[ "$status" -eq 0 ]
}

@test "the process has the pty as its controlling terminal and leads its session" {
	sh_args 'ps -o pid,sid,tty > /out/ps 2>&1 || cat /proc/self/stat > /out/ps; cat /proc/self/stat > /out/stat'
	start_recvtty "$SOCK" -m drain
	ocirt run -d -b "$BUNDLE" --console-socket "$SOCK" "$CID"
	[ "$status" -eq 0 ]
	wait_file "$OUT/stat"
	# /proc/self/stat: field 6 session, field 7 tty_nr (non-zero)
	local f sid tty
	read -r -a f <"$OUT/stat"
	sid=${f[5]}
	tty=${f[6]}
	[ "$tty" -ne 0 ]
	[ "$sid" -eq 1 ]
}

@test "what the process writes arrives on the master" {
	sh_args 'echo hello-from-the-container; sleep 1'
	start_recvtty "$SOCK"
	ocirt run -d -b "$BUNDLE" --console-socket "$SOCK" "$CID"
	[ "$status" -eq 0 ]
	retry 100 0.05 grep -q hello-from-the-container "$BATS_TEST_TMPDIR/recvtty.out"
}

@test "terminal without --console-socket when detaching: runc's error, nothing left" {
	ocirt create -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot allocate tty if runc will detach without setting console socket"* ]]
	no_state_left "$CID"
	ocirt run -d -b "$BUNDLE" "$CID"
	[ "$status" -eq 1 ]
	no_state_left "$CID"
}

@test "--console-socket without terminal, or without detaching: runc's error" {
	update_config '.process.terminal = false'
	start_recvtty "$SOCK" -m once
	ocirt create -b "$BUNDLE" --console-socket "$SOCK" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	update_config '.process.terminal = true'
	ocirt run -b "$BUNDLE" --console-socket "$SOCK" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"cannot use console socket if runc will not detach or allocate tty"* ]]
	no_state_left "$CID"
}

@test "a console socket nobody listens on fails create cleanly" {
	ocirt create -b "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$CID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"console socket"* ]]
	no_state_left "$CID"
}

@test "foreground run relays the pty and returns the status" {
	requires python3
	sh_args 'read line; echo "got:$line"; exit 4'
	# a pty for ocirt's own stdio: python's pty.spawn
	run python3 -c '
import os, pty, sys
out = b""
def rd(fd):
    global out
    d = os.read(fd, 1024)
    out += d
    return d
def wr(fd):
    return b""
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
os.write(fd, b"hello\r")
while True:
    try:
        d = os.read(fd, 1024)
    except OSError:
        break
    if not d:
        break
    out += d
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
' "$OCIRT" --root "$OCIRT_ROOT" run -b "$BUNDLE" "$CID"
	[ "$status" -eq 4 ]
	[[ "$output" == *"got:hello"* ]]
	no_state_left "$CID"
}
