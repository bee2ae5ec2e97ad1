#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers of the stress tests (test_churn.sh, test_exhaust.sh,
# test_security.sh), sourced after lib.sh.  Under TCG with the host's root
# over 9p every process started costs most of a second, so these poll
# with bash builtins (read -t on a FIFO instead of sleep, read instead of
# cat), configure a namespace with one "ip -batch" and build the load in
# one process (loadtool.c).

# nap SECONDS: sleep without starting a process
mkfifo "$WORK/nap.fifo"
exec {NAP_FD}<>"$WORK/nap.fifo"
nap() { read -r -t "$1" -u "$NAP_FD" _ || :; }

# poll TIMEOUT_S CMD...: run CMD every 0.2 s until it succeeds
poll() {
	local end=$((SECONDS + $1))
	shift
	until "$@"; do
		[ "$SECONDS" -ge "$end" ] && return 1
		nap 0.2
	done
}

# now_us: CLOCK_REALTIME in microseconds (loadtool logs nanoseconds of it)
now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }

# file_word FILE KEY: the value of KEY=VALUE in the first line of FILE
file_word() {
	local line w
	{ read -r line < "$1"; } 2>/dev/null || return 1
	for w in $line; do
		[ "${w%%=*}" = "$2" ] && { echo "${w#*=}"; return 0; }
	done
	return 1
}

# slab CACHE [FIELD]: objects in use (or FIELD) of a slab cache, 0 if none.
# The cache is shrunk first: a KASAN kernel keeps freed objects in its
# quarantine, counted as in use, until then.
slab() {
	local v
	{ echo 1 > "/sys/kernel/slab/$1/shrink"; } 2>/dev/null
	{ read -r v _ < "/sys/kernel/slab/$1/${2:-objects}"; } 2>/dev/null || v=0
	echo "$v"
}
HALB_CACHES="halb_conn halb_dest halb_service"
slab_all() { local c; for c in $HALB_CACHES; do printf '%s=%s ' "$c" "$(slab "$c")"; done; }

# mod_refcnt: halb's module reference count ("-" when not loaded)
mod_refcnt() {
	local v=-
	{ read -r v < /sys/module/halb/refcnt; } 2>/dev/null
	echo "$v"
}

# info NS: halbctl -L -n -j of namespace NS, its "info" part kept in
# INFO_JSON; info_num KEY reads a number of it
info() { INFO_JSON=$(nsx "$1" "$HALBCTL" -L -n -j 2>/dev/null); }
info_num() {
	local re="\"$1\": *([0-9]+)"
	[[ $INFO_JSON =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# svc_stats NS PROTO VIP:PORT: sets SVC_CONNS, SVC_DROPS, SVC_INBYTES and
# SVC_OUTBYTES of one service, from halbctl's JSON listing
svc_stats() {
	local out
	out=$(nsx "$1" "$HALBCTL" -L -n -j "$2" "$3" 2>/dev/null) || return 1
	SVC_CONNS=$(json_first "$out" conns)
	SVC_DROPS=$(json_first "$out" drops)
	SVC_INBYTES=$(json_first "$out" inbytes)
	SVC_OUTBYTES=$(json_first "$out" outbytes)
}
json_first() {
	local re="\"$2\": *([0-9]+)"
	[[ $1 =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

# --- the light topology ------------------------------------------------------
#
#   client c                     director d                     farm f
#   eth0 198.51.100.2/24 ------- eth0 198.51.100.1/24
#        2001:db8:1::2/64             2001:db8:1::1/64
#                                lo   VIP 203.0.113.1, 2001:db8:100::1
#                                eth1 192.0.2.1/24 ------------ eth0 2001:db8:2::2/64
#                                     2001:db8:2::1/64          real servers:
#                                                               dummy0 192.0.2.11..(10+N)/32
#                                                               eth0 2001:db8:2::11..
#
# One namespace holds every real server: one loadtool server answers on
# all its addresses, and names in each answer the address it was reached
# at.  The farm routes everything back through the director (NAT).  The
# interfaces of c and f that face the director are named after it (eth0
# for d), so a director namespace can be replaced while c and f stay.
FARM_PORT=8000

# farm_addr I: address of real server I (1-based)
farm_addr() { echo "192.0.2.$((10 + $1))"; }
farm_addr6() { echo "2001:db8:2::$((10 + $1))"; }

# light_topo NSERVERS: c, d and f as drawn above
light_topo() {
	local n=$1 i
	modprobe -a veth dummy >/dev/null 2>&1
	printf 'netns add %s\n' "$NS_PREFIX-c" "$NS_PREFIX-f" > "$WORK/topo.global"
	ip -b "$WORK/topo.global" || return 1
	{
		echo "link set lo up"
		echo "link add dummy0 type dummy"
		echo "link set dummy0 up"
		for i in $(seq 1 "$n"); do echo "addr add $(farm_addr "$i")/32 dev dummy0"; done
	} > "$WORK/topo.f"
	printf 'link set lo up\n' > "$WORK/topo.c"
	ip -n "$NS_PREFIX-c" -b "$WORK/topo.c" &&
	ip -n "$NS_PREFIX-f" -b "$WORK/topo.f" || return 1
	FARM_N=$n
	director_up d eth0 || return 1
	nsx f "$BIN/loadtool" server $FARM_PORT &
	disown
}

# director_up NAME IFNAME: director namespace NAME, linked to c and f by
# interfaces IFNAME there; c and f route through it from then on
director_up() {
	local d=$NS_PREFIX-$1 ifn=$2 i
	{
		echo "netns add $d"
		echo "link add eth0 netns $d type veth peer name $ifn netns $NS_PREFIX-c"
		echo "link add eth1 netns $d type veth peer name $ifn netns $NS_PREFIX-f"
	} > "$WORK/dir.global"
	cat > "$WORK/dir.d" <<-EOF
	link set lo up
	addr add $VIP4/32 dev lo
	addr add $VIP6/128 dev lo
	addr add 198.51.100.1/24 dev eth0
	addr add 2001:db8:1::1/64 dev eth0 nodad
	addr add 192.0.2.1/24 dev eth1
	addr add 2001:db8:2::1/64 dev eth1 nodad
	link set eth0 up
	link set eth1 up
	EOF
	cat > "$WORK/dir.c" <<-EOF
	addr add 198.51.100.2/24 dev $ifn
	addr add 2001:db8:1::2/64 dev $ifn nodad
	link set $ifn up
	EOF
	{
		echo "link set $ifn up"
		echo "addr add 2001:db8:2::2/64 dev $ifn nodad"
		for i in $(seq 1 "$FARM_N"); do echo "addr add $(farm_addr6 "$i")/128 dev $ifn nodad"; done
	} > "$WORK/dir.f"
	routes_via "$ifn" &&
	ip -b "$WORK/dir.global" &&
	ip -n "$d" -b "$WORK/dir.d" &&
	cat "$WORK/dir.c" "$WORK/routes.c" | ip -n "$NS_PREFIX-c" -b - &&
	cat "$WORK/dir.f" "$WORK/routes.f" | ip -n "$NS_PREFIX-f" -b - &&
	nsx "$1" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward &&
		echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'
}

# routes_via IFNAME: c's and f's routes through the director they reach by
# IFNAME, as ip batches in $WORK/routes.{c,f}; "routes_via IFNAME apply"
# also applies them
routes_via() {
	cat > "$WORK/routes.c" <<-EOF
	route replace default via 198.51.100.1 dev $1
	route replace ::/0 via 2001:db8:1::1 dev $1
	EOF
	cat > "$WORK/routes.f" <<-EOF
	route replace default via 192.0.2.1 dev $1 onlink
	route replace ::/0 via 2001:db8:2::1 dev $1
	EOF
	[ "${2:-}" = apply ] || return 0
	ip -n "$NS_PREFIX-c" -b "$WORK/routes.c" && ip -n "$NS_PREFIX-f" -b "$WORK/routes.f"
}

# farm_up: the farm answers (one connection to it, through no halb)
farm_up() {
	nsx f "$BIN/loadtool" client --count 1 --ctimeout 1000 "$(farm_addr 1)" $FARM_PORT >/dev/null
}

# --- public copies, for tests that run tools as an unprivileged user -----------
# PUB_BIN: a world-readable copy of the test helpers
make_pub_bin() {
	PUB_BIN=$(mktemp -d /tmp/halb-pub.XXXXXX)
	chmod 755 "$PUB_BIN"
	install -m 755 "$BIN/loadtool" "$BIN/nlprobe" "$PUB_BIN/"
}

# stress_topo_down: lib.sh's topo_down in one process instead of four a
# namespace: the namespaces' processes are found with "-ef" on their
# /proc/PID/ns/net and killed with the builtin, and one "ip -batch"
# deletes every namespace
stress_topo_down() {
	local f p pids=() dels=()
	for f in /var/run/netns/"$NS_PREFIX"-*; do
		[ -e "$f" ] || continue
		for p in /proc/[0-9]*; do
			[[ $p/ns/net -ef $f ]] && pids+=("${p#/proc/}")
		done
		dels+=("netns del ${f##*/}")
	done
	[ ${#pids[@]} -gt 0 ] && kill "${pids[@]}" 2>/dev/null
	[ ${#dels[@]} -gt 0 ] && printf '%s\n' "${dels[@]}" | ip -b -
	return 0
}

stress_cleanup() {
	[ -n "${PUB_BIN:-}" ] && rm -rf "$PUB_BIN"
	stress_topo_down
	cleanup
}
trap stress_cleanup EXIT

# Module parameters a test changes, saved to $WORK and put back on exit.
HALB_PARAMS=/sys/module/halb/parameters
params_save() {	# params_save NAME...
	local t
	for t in "$@"; do cat "$HALB_PARAMS/$t" > "$WORK/param.$t"; done
}
params_restore() {	# params_restore NAME...: those saved, while halb is loaded
	local t
	for t in "$@"; do
		[ -e "$WORK/param.$t" ] && [ -e "$HALB_PARAMS/$t" ] &&
			cat "$WORK/param.$t" > "$HALB_PARAMS/$t"
	done
}
# kill_clients: the background clients a test keeps in CLIENTS, and wait
kill_clients() {
	local p
	for p in "${CLIENTS[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
