# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for selftests/halbd/run: namespaces, daemons, polling, KTAP.
# Sourced, not run.

PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

n_tests=0
n_fail=0
pids=()

ktap_result() {	# ktap_result RC NAME
	n_tests=$((n_tests + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n_tests $2"
	else
		echo "not ok $n_tests $2"
		n_fail=$((n_fail + 1))
	fi
}

ktap_skip() {	# ktap_skip NAME REASON
	n_tests=$((n_tests + 1))
	echo "ok $n_tests $1 # SKIP $2"
}

log() {
	echo "# $*"
}

# build_halbd OUT LOG: halbd from userspace/, with ASan/UBSan unless NO_ASAN=1.
build_halbd() {
	local asan="-fsanitize=address,undefined -fno-omit-frame-pointer"
	[ -n "${NO_ASAN:-}" ] && asan=
	# shellcheck disable=SC2046,SC2086
	cc -O2 -g $asan -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -I"$top/include" \
		-I"$top/userspace" $(pkg-config --cflags libnl-route-3.0 libnl-genl-3.0) -o "$1" \
		"$top"/userspace/halbd/*.c "$top"/userspace/common/*.c "$top"/userspace/lib/*.c \
		$(pkg-config --libs libnl-route-3.0 libnl-genl-3.0 openssl) > "$2" 2>&1
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# busywait TIMEOUT_MS CMD...: poll CMD every 20 ms until it succeeds.
busywait() {
	local timeout=$1; shift
	local end=$(($(now_ms) + timeout))
	while true; do
		"$@" && return 0
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# holds MS CMD...: CMD stays true for MS milliseconds.
holds() {
	local dur=$1; shift
	local end=$(($(now_ms) + dur))
	while [ "$(now_ms)" -lt "$end" ]; do
		"$@" || return 1
		sleep 0.05
	done
}

ns() {	# ns NODE: namespace name of a node
	echo "$prefix-$1"
}

nsexec() {	# nsexec NODE CMD...
	local node=$1; shift
	ip netns exec "$(ns "$node")" "$@"
}

# The topology of the file header: a bridge in its own namespace and one
# veth per node.  Node i gets 192.0.2.i/24 and 2001:db8::i/64.
make_topology() {
	ip netns add "$(ns br)" || return 1
	ip -n "$(ns br)" link add br0 type bridge
	ip -n "$(ns br)" link set br0 up
	local i=0
	for node in "$@"; do
		i=$((i + 1))
		local n=$(ns "$node")
		ip netns add "$n" || return 1
		# VIPs and link-locals must be usable at once: no DAD in tests
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 2> /dev/null
		ip -n "$n" link set lo up
		node_link "$node" || return 1
	done
	# wait for the link-local addresses the IPv6 cases send from
	for node in "$@"; do
		busywait 5000 has_linklocal "$node" || return 1
	done
}

# node_link NODE: the node's eth0, a veth to the bridge, up, with its
# addresses; also how a test re-creates an interface it deleted.
node_link() {
	local node=$1 n addr=${node_addr[$1]}
	n=$(ns "$node")
	ip link add eth0 netns "$n" type veth peer name "p-$node" netns "$(ns br)" || return 1
	ip -n "$(ns br)" link set "p-$node" master br0 up
	ip -n "$n" link set eth0 up
	ip -n "$n" addr add "192.0.2.$addr/24" dev eth0
	ip -n "$n" addr add "2001:db8::$addr/64" dev eth0 nodad
}

has_linklocal() {
	ip -n "$(ns "$1")" -6 addr show dev eth0 scope link | grep -q 'fe80::'
}

cleanup() {
	# only the test's own shell: a subshell must never tear the topology down
	[ "$BASHPID" = "$$" ] || return 0
	for p in "${pids[@]}"; do
		kill -9 "$p" 2> /dev/null
	done
	for n in $(ip netns list | awk '{print $1}' | grep "^$prefix-"); do
		ip netns pids "$n" 2> /dev/null | xargs -r kill -9 2> /dev/null
		ip netns del "$n"
	done
	[ -n "${keep_dir:-}" ] || rm -rf "$dir"
}

# reap PID [SIGNAL]: signal a daemon started here and wait for it, but never
# longer than 5 s: a daemon that ignores SIGTERM is a failure, not a hang.
reap() {
	local pid=$1 watchdog
	[ -n "${2:-}" ] && kill "$2" "$pid" 2> /dev/null
	# the watchdog must not inherit the EXIT/TERM traps: killing it would
	# otherwise run cleanup and tear the topology down mid-test
	( trap - EXIT INT TERM; sleep 5; kill -9 "$pid" ) > /dev/null 2>&1 &
	watchdog=$!
	# bash reports a job killed by a signal when it reaps it: keep KTAP clean
	{ wait "$pid"; } 2> /dev/null
	kill "$watchdog" 2> /dev/null
	{ wait "$watchdog"; } 2> /dev/null
} 2> /dev/null

# start_halbd NODE CONF [OPTION]...: run halbd in the node's namespace, wait
# for its socket.
start_halbd() {
	local node=$1 conf=$2
	shift 2
	rm -f "$dir/$node.sock"
	ip netns exec "$(ns "$node")" "$HALBD" -n -l -D -f "$conf" -p "$dir/$node.pid" \
		--control "$dir/$node.sock" "$@" >> "$dir/$node.log" 2>&1 &
	local pid=$!
	pids+=("$pid")
	eval "pid_$node=$pid"
	busywait 3000 test -S "$dir/$node.sock"
}

halbd_pid() {
	eval "echo \${pid_$1:-}"
}

stop_halbd() {	# stop_halbd NODE [SIGNAL]
	local pid
	pid=$(halbd_pid "$1")
	[ -n "$pid" ] || return 0
	reap "$pid" "-${2:-TERM}"
	eval "pid_$1="
}

# start_keepalived NODE CONF
start_keepalived() {
	local node=$1 conf=$2
	ip netns exec "$(ns "$node")" keepalived -n -l -D -P -f "$conf" -p "$dir/$node.kpid" \
		-r "$dir/$node.kvpid" -c "$dir/$node.kcpid" >> "$dir/$node.klog" 2>&1 &
	local pid=$!
	pids+=("$pid")
	eval "kpid_$node=$pid"
}

stop_keepalived() {
	local pid
	pid=$(eval "echo \${kpid_$1:-}")
	[ -n "$pid" ] || return 0
	reap "$pid" -TERM
	eval "kpid_$1="
}

# ctl NODE: halbd's JSON state of the node
ctl() {
	echo vrrp-json | socat -t 2 - "UNIX-CONNECT:$dir/$1.sock" 2> /dev/null
}

# q NODE EXPR: evaluate a python expression over the node's instances,
# "i" being a dict name -> instance.
q() {
	ctl "$1" | "$PY" -c "import json, sys
d = json.load(sys.stdin)
i = {x['name']: x for x in d['instances']}
print($2)" 2> /dev/null
}

state_is() {	# state_is NODE INSTANCE STATE
	[ "$(q "$1" "i['$2']['state']")" = "$3" ]
}

# entered_master_ms NODE INSTANCE: when halbd logged its last transition to
# MASTER, in ms of the realtime clock.  Timing checks use this rather than
# when polling noticed, so a loaded machine does not blur the measurement.
entered_master_ms() {
	grep "($2) Entering MASTER STATE" "$dir/$1.log" | tail -1 |
		awk '{ split($1, t, "."); printf "%d%03d\n", t[1], t[2] }'
}

now_rt_ms() {
	date +%s%3N
}

has_vip() {	# has_vip NODE ADDR
	ip -n "$(ns "$1")" addr show dev eth0 | grep -q " $2/"
}

no_vip() {
	! has_vip "$@"
}
