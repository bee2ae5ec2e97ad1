#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark stage 7: VRRP failover, halbd against keepalived 2.2.7 with the
# same configuration text.  Prints figures, never fails on them.
#
# Invocation: on the HOST, as root (network namespaces, no kernel module):
#
#   selftests/bench/failover.sh
#
# Rows go to "$BENCH_OUT/failover.tsv" (BENCH_OUT: default a temp dir, and
# the file is printed at the end).  Environment: FO_REPS (20 per case),
# FO_ADVERTS ("1 0.1"), FO_SIGNALS ("KILL TERM"), HALBD (a built halbd;
# default: built from userspace/ into a temp dir).
#
# Two identical topologies side by side, one per implementation (H: halbd,
# K: keepalived), so the rounds can alternate H/K/H/K:
#
#   +-------------+  +-------------+  +-------------------+
#   | ns n1       |  | ns n2       |  | ns c (client)     |
#   | master 150  |  | backup 100  |  | fo_probe: ARP     |
#   | 192.0.2.1   |  | 192.0.2.2   |  | 192.0.2.99        |
#   +----eth0-----+  +----eth0-----+  +------eth0--------+
#          |                |                   |
#   +------p-n1-------------p-n2----------------p-c-------+
#   |            br0 (ns br)                              |
#   +-----------------------------------------------------+
#   VIP 192.0.2.100/32, VRID 51; advert_int 1 (VRRPv2) or 0.1 (VRRPv3 for
#   both: "vrrp_version 3" in global_defs).
#
# One repetition: n1 is (re)started and must hold the VIP with n2 backup
# without it; it keeps it for 1.5 s plus a random part of one advert
# interval (so the signal falls anywhere in the advert cycle); then the
# prober in ns c sends the signal and times it:
#  KILL  SIGKILL to n1's daemon's process group (keepalived's parent and
#        children at once, like a crash): n2 must notice the missing adverts
#        (Master_Down_Interval = 3 * advert + Skew_Time).  The dead daemon's
#        VIP stays configured on n1 (nobody removes it), as after a crash.
#  TERM  SIGTERM to the daemon (keepalived's parent relays it): the master
#        sends a priority-0 advertisement, n2 takes over after Skew_Time =
#        (256 - 100) / 256 * advert_int.
# Measured: from the signal (CLOCK_MONOTONIC, taken by the prober right
# before kill()) to the first ARP packet on the LAN, seen by the client,
# that gives the VIP at n2's MAC address: the backup's reply to the
# client's ARP requests (one every FO_PROBE_US, 2 ms) or its gratuitous
# ARP, whichever comes first.  From then on a client on the LAN reaches the
# VIP on the backup.  Goal: halbd's median no slower than keepalived's
# (ratio<=1.0).  The graceful hand-over is also compared to Skew_Time.
#
# The host is shared (2 CPUs, other jobs, QEMU guests): real-time figures
# are noisy; min/median/max and the load average are printed.
set -u
# One compound command, parsed before it runs (safe against edits mid-run).
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
STAGE=failover
REPS=${FO_REPS:-20}
ADVERTS=${FO_ADVERTS:-1 0.1}
SIGNALS=${FO_SIGNALS:-KILL TERM}
PROBE_US=${FO_PROBE_US:-2000}
VIP=192.0.2.100
prefix=fo$$
dir=$(mktemp -d /tmp/halb-bench-fo.XXXXXX)

if [ "$(id -u)" != 0 ]; then
	echo "# failover: needs root (network namespaces); not measured"
	exit 0
fi
if [ -n "${BENCH_OUT:-}" ]; then
	out=$BENCH_OUT
else
	out=$(mktemp -d /tmp/halb-bench.XXXXXX)
	standalone=1
fi
mkdir -p "$out"
tsv=$out/$STAGE.tsv
: > "$tsv"

cleanup() {
	local n
	for n in $(ip netns list | awk '{print $1}' | grep "^$prefix-"); do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	[ -n "${KEEP:-}" ] && echo "# logs kept in $dir" || rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

row() { local l; l=$(printf '%s\t' "$@"); echo "${l%$'\t'}" >> "$tsv"; }
now_ms() { date +%s%3N; }
busywait() {	# busywait TIMEOUT_MS CMD...
	local end=$(($(now_ms) + $1)); shift
	until "$@"; do [ "$(now_ms)" -ge "$end" ] && return 1; sleep 0.02; done
}

# --- build --------------------------------------------------------------------
HALBD=${HALBD:-}
if [ -z "$HALBD" ]; then
	HALBD=$dir/halbd
	# shellcheck disable=SC2046
	if ! cc -O2 -g -Wall -Wextra -std=gnu11 -D_GNU_SOURCE -I"$top/include" -I"$top/userspace" \
		$(pkg-config --cflags libnl-route-3.0 libnl-genl-3.0) -o "$HALBD" \
		"$top"/userspace/halbd/*.c "$top"/userspace/common/*.c "$top"/userspace/lib/*.c \
		$(pkg-config --libs libnl-route-3.0 libnl-genl-3.0 openssl) > "$dir/build.log" 2>&1; then
		sed 's/^/# /' "$dir/build.log" | head -20
		echo "# failover: halbd does not build; not measured"
		exit 0
	fi
fi
if ! cc -O2 -Wall -Wextra -o "$dir/fo_probe" "$here/fo_probe.c" > "$dir/probe.log" 2>&1; then
	sed 's/^/# /' "$dir/probe.log"
	echo "# failover: fo_probe does not build; not measured"
	exit 0
fi
have_keepalived=1
command -v keepalived > /dev/null || have_keepalived=0
kver=$(keepalived -v 2>&1 | head -1)

# --- topology: one per implementation (h, k) ------------------------------------
ns() { echo "$prefix-$1"; }	# ns IMPL-NODE
topo() {	# topo IMPL
	local i=$1 node a
	ip netns add "$(ns "$i-br")" || return 1
	ip -n "$(ns "$i-br")" link add br0 type bridge || return 1
	ip -n "$(ns "$i-br")" link set br0 up
	for node in n1:1 n2:2 c:99; do
		a=${node#*:} node=${node%:*}
		ip netns add "$(ns "$i-$node")" || return 1
		ip link add eth0 netns "$(ns "$i-$node")" type veth peer name "p-$node" \
			netns "$(ns "$i-br")" || return 1
		ip -n "$(ns "$i-br")" link set "p-$node" master br0 up
		ip -n "$(ns "$i-$node")" link set lo up
		ip -n "$(ns "$i-$node")" addr add "192.0.2.$a/24" dev eth0
		ip -n "$(ns "$i-$node")" link set eth0 up
	done
}
has_vip() { ip -n "$(ns "$1")" -4 addr show dev eth0 | grep -q " $VIP/"; }
no_vip() { ! has_vip "$1"; }
mac_of() { ip -n "$(ns "$1")" link show eth0 | awk '/link\/ether/ { print $2 }'; }

# conf FILE NAME PRIO STATE ADVERT: the same text for both daemons
conf() {
	local ver=2
	[ "$5" = 1 ] || ver=3
	cat > "$1" <<EOF
global_defs {
    router_id $2
    vrrp_version $ver
}
vrrp_instance VI_1 {
    state $4
    interface eth0
    virtual_router_id 51
    priority $3
    advert_int $5
    virtual_ipaddress {
        $VIP
    }
}
EOF
}

# start IMPL NODE CONF: the daemon in its own process group (setsid), so a
# SIGKILL of the group takes keepalived's children at the same instant
declare -A dpid
start() {
	local i=$1 node=$2 cf=$3 log=$dir/$1-$2.log
	case $i in
	h) setsid ip netns exec "$(ns "$i-$node")" "$HALBD" -n -l -D -f "$cf" \
		-p "$dir/$i-$node.pid" --control "$dir/$i-$node.sock" >> "$log" 2>&1 & ;;
	k) setsid ip netns exec "$(ns "$i-$node")" keepalived -n -l -D -P -f "$cf" \
		-p "$dir/$i-$node.kpid" -r "$dir/$i-$node.kvpid" -c "$dir/$i-$node.kcpid" \
		>> "$log" 2>&1 & ;;
	esac
	dpid[$i-$node]=$!
}
stop() {	# stop IMPL NODE [SIGNAL]: and wait (5 s at most)
	local p=${dpid[$1-$2]:-} k
	[ -n "$p" ] || return 0
	kill "-${3:-TERM}" "$p" 2>/dev/null
	for k in $(seq 1 250); do kill -0 "$p" 2>/dev/null || break; sleep 0.02; done
	kill -9 -- "-$p" 2>/dev/null
	wait "$p" 2>/dev/null
	dpid[$1-$2]=
}
gone() {	# gone PGID: no live (non-zombie) process left in the group
	! ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# one IMPL SIGNAL ADVERT: one repetition; prints "MS KIND" or "-"
one() {
	local i=$1 sig=$2 adv=$3 p r d
	start "$i" n1 "$dir/$i-n1-$adv.conf"
	if ! busywait 15000 eval "has_vip $i-n1 && no_vip $i-n2"; then
		echo "- n1-not-master"
		stop "$i" n1 KILL
		return
	fi
	# stable for 1.5 s, then a random point in the advert cycle
	d=$(awk -v a="$adv" -v r="$RANDOM" 'BEGIN { printf "%.3f", 1.5 + a * r / 32768 }')
	sleep "$d"
	if ! has_vip "$i-n1" || has_vip "$i-n2"; then
		echo "- unstable"
		stop "$i" n1 KILL
		return
	fi
	p=${dpid[$i-n1]}
	case $sig in
	KILL) target=-$p signo=9 ;;
	TERM) target=$p signo=15 ;;
	esac
	r=$(ip netns exec "$(ns "$i-c")" "$dir/fo_probe" eth0 192.0.2.99 $VIP "$(mac_of "$i-n2")" \
		"$target" "$signo" 15000 "$PROBE_US")
	# reap the daemon (a watchdog for one that would not exit), then wait
	# for every process of its group (keepalived's children) to be gone
	( trap - EXIT INT TERM; sleep 5; kill -9 -- "-$p" ) > /dev/null 2>&1 &
	wd=$!
	wait "$p" 2>/dev/null
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	busywait 5000 gone "$p"
	dpid[$i-n1]=
	# a crashed daemon leaves its VIP behind: clear it for the next start
	ip -n "$(ns "$i-n1")" addr del "$VIP/32" dev eth0 2>/dev/null
	case $r in
	timeout|"") echo "- timeout" ;;
	*) awk -v us="${r% *}" -v k="${r#* }" 'BEGIN { printf "%.1f %s\n", us / 1000, k }' ;;
	esac
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mmm() {	# mmm "SAMPLES": min/median/max (n)
	local s=$1
	[ -n "$s" ] || { echo "no samples"; return; }
	echo "min $(tr ' ' '\n' <<<"$s" | grep . | sort -g | head -1)" \
	     "median $(median <<<"$s")" "max $(tr ' ' '\n' <<<"$s" | grep . | sort -g | tail -1)" \
	     "(n=$(wc -w <<<"$s"))"
}
ratio() {
	[ -n "$1" ] && [ -n "$2" ] || { echo -; return; }
	awk -v a="$(median <<<"$1")" -v b="$(median <<<"$2")" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'
}

# --- run ------------------------------------------------------------------------
for i in h k; do
	topo "$i" || { echo "# failover: topology set-up failed; not measured"; exit 0; }
done
impls="h"
[ "$have_keepalived" = 1 ] && impls="h k"
load0=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# stage 7, failover: halbd vs $kver, $REPS repetitions per case, probe every $PROBE_US us"
echo "# host: $(nproc) CPUs, load average at start $load0"
row "# stage 7 failover, host real time, halbd vs $kver, identical configs; load average at start $load0"
row "# measured: signal to n1's daemon -> first ARP (reply or GARP) giving the VIP at n2's MAC, seen by a client on the bridge"

declare -A S
summary=()
for adv in $ADVERTS; do
	for i in $impls; do
		conf "$dir/$i-n1-$adv.conf" n1 150 MASTER "$adv"
		conf "$dir/$i-n2-$adv.conf" n2 100 BACKUP "$adv"
		start "$i" n2 "$dir/$i-n2-$adv.conf"
	done
	skew=$(awk -v a="$adv" 'BEGIN { printf "%.1f", (256 - 100) / 256 * a * 1000 }')
	mdi=$(awk -v a="$adv" 'BEGIN { printf "%.1f", 3 * a * 1000 + (256 - 100) / 256 * a * 1000 }')
	ver=v2; [ "$adv" = 1 ] || ver=v3
	for sig in $SIGNALS; do
		for i in $impls; do S[$i]=""; done
		bad=""
		for r in $(seq 1 "$REPS"); do
			for i in $impls; do
				res=$(one "$i" "$sig" "$adv")
				v=${res%% *}
				if [ "$v" = - ]; then
					bad+=" $i:${res#* }"
				else
					S[$i]+="$v "
				fi
				echo "# advert $adv $sig rep $r $([ "$i" = h ] && echo halbd || echo keepalived): $res"
			done
		done
		case $sig in
		KILL) what="SIGKILL master" expect="Master_Down_Interval $mdi ms" ;;
		TERM) what="SIGTERM master (graceful)" expect="Skew_Time $skew ms" ;;
		esac
		label="$what, advert_int $adv ($ver), to VIP on backup"
		row "# $label: expected from RFC timers: $expect (after the master's last advert)${bad:+; failed repetitions:$bad}"
		row failover "$label" ms "$(echo ${S[h]})" "keepalived" "$(echo ${S[k]:-})" "ratio<=1.0"
		summary+=("$label|${S[h]}|${S[k]:-}|$expect")
	done
	for i in $impls; do stop "$i" n2; done
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
row "# load average at end $load1"

echo "== failover summary (host real time, ms; load average $load0 at start, $load1 at end) =="
for s in "${summary[@]}"; do
	IFS='|' read -r label h k expect <<<"$s"
	echo "  $label"
	echo "    halbd:      $(mmm "$h")"
	echo "    keepalived: $(mmm "$k")"
	echo "    ratio of medians $(ratio "$h" "$k"), goal ratio<=1.0; $expect"
done
if [ -n "${standalone:-}" ]; then
	echo "# $tsv:"
	cat "$tsv"
fi
exit 0
}
