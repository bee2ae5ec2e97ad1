#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every IPVS scheduler, run the same way against the kernel's IPVS (the
# reference) and halb in the same boot: the same ipvsadm command lines, the
# same sequence of UDP flows (source address i % NSRC, source port P + i,
# each waiting for its reply), then the per-server counts compared:
# exactly equal for the deterministic schedulers (rr wrr lc wlc sed nq fo
# ovf sh dh lblc lblcr), within a stated tolerance for twos (random), and
# for mh a distribution check (halb's Maglev hashes differently from IPVS's).
#
#   client c                      director d                real servers
#   eth0 198.51.100.2  --------  eth0 198.51.100.1          rs1 192.0.2.11
#        198.51.100.10..209      lo   VIPs 203.0.113.1..4   rs2 192.0.2.12
#        (flow sources)          eth1 192.0.2.1 --- br0 --- rs3 192.0.2.13
#                                NAT: VIP:port -> rs:53     (udptool, replies
#                                                            with its name)
#
# IPVS runs every case first, then its modules are unloaded (which drops
# its connections, so the same flows are new to halb), then halb runs them.
. "$(dirname "$0")/lib.sh"

NSRC=200
SRC0=198.51.100.10
VIPS=(203.0.113.1 203.0.113.2 203.0.113.3 203.0.113.4)
IPVS_MODS="ip_vs_rr ip_vs_wrr ip_vs_lc ip_vs_wlc ip_vs_sed ip_vs_nq ip_vs_fo ip_vs_ovf
	   ip_vs_twos ip_vs_sh ip_vs_dh ip_vs_mh ip_vs_lblc ip_vs_lblcr"

[ -x "$BIN/schedtool" ] ||
	gcc -O2 -Wall -Wextra -Werror -I"$TOP/include" -o "$BIN/schedtool" \
		"$(dirname "$0")/schedtool.c" || { fail "build schedtool"; exit 1; }

topo_up 3
{
	for i in $(seq 0 $((NSRC - 1))); do echo "addr add 198.51.100.$((10 + i))/24 dev eth0"; done
} | nsx c ip -batch -
for v in "${VIPS[@]:1}"; do nsx d ip addr add "$v/32" dev lo; done
dmesg_mark

# The cases: NAME SCHED WEIGHTS FLOWS NVIPS FLAGS(ipvsadm -b, or -) KIND
# KIND: exact | twos | mh.  Each case gets its own UDP port.
CASES=(
	"rr        rr    1,1,1  30 1 -                    exact"
	"wrr       wrr   3,2,1  24 1 -                    exact"
	"lc        lc    3,2,1  24 1 -                    exact"
	"wlc       wlc   3,2,1  24 1 -                    exact"
	"sed       sed   3,2,1  24 1 -                    exact"
	"nq        nq    3,2,1  24 1 -                    exact"
	"fo        fo    1,3,2  30 1 -                    exact"
	"ovf       ovf   1,3,2  30 1 -                    exact"
	"sh        sh    3,2,1  64 1 -                    exact"
	"sh-port   sh    3,2,1  64 1 sh-port              exact"
	"sh-fb     sh    3,0,1  64 1 sh-fallback          exact"
	"sh-pfb    sh    3,0,1  64 1 sh-port,sh-fallback  exact"
	"sh-w0     sh    3,0,1  64 1 -                    exact"
	"dh        dh    1,1,1  20 4 -                    exact"
	"lblc      lblc  3,2,1  20 4 -                    exact"
	"lblcr     lblcr 3,2,1  20 4 -                    exact"
	"twos      twos  3,2,1 150 1 -                    twos"
	"mh        mh    3,2,1 200 1 -                    mh"
	"mh-port   mh    3,2,1 200 1 mh-port              mh"
	"mh-fb     mh    3,0,1 200 1 mh-port,mh-fallback  mh"
)
# ipvsadm -b names to halb's HALB_SVC_F_* bits
flag_bits() {
	local b=0 f
	for f in ${1//,/ }; do
		case $f in
		sh-fallback|mh-fallback) b=$((b | 4)) ;;
		sh-port|mh-port) b=$((b | 8)) ;;
		esac
	done
	echo $b
}

halbctl_has_b() { "$HALBCTL" --help 2>&1 | grep -q -- '--sched-flags.*-b\|-b.*sched-flags'; }

# setup BE PORT SCHED WEIGHTS NVIPS FLAGS
setup() {
	local be=$1 port=$2 sched=$3 weights=$4 nv=$5 flags=$6 v i w bflag=()
	[ "$flags" != - ] && [ "$be" = ipvs ] && bflag=(-b "$flags")
	for v in "${VIPS[@]:0:$nv}"; do
		adm "$be" -A -u "$v:$port" -s "$sched" "${bflag[@]}" || return 1
		if [ "$flags" != - ] && [ "$be" = halb ]; then
			nsx d "$BIN/schedtool" svcflags udp "$v" "$port" "$(flag_bits "$flags")" ||
				return 1
		fi
		i=0
		for w in ${weights//,/ }; do
			i=$((i + 1))
			adm "$be" -a -u "$v:$port" -r "$(rs_ip4 $i):53" -m -w "$w" || return 1
		done
	done
}

# flows BE PORT N NVIPS [SPORT]: counts per VIP and server, one
# "vip server n" a line
flows() {
	local be=$1 port=$2 n=$3 nv=$4 sport=${5:-20000} v
	for v in "${VIPS[@]:0:$nv}"; do
		nsx c "$BIN/schedtool" flows "$v" "$port" $((n / nv)) $SRC0 $NSRC "$sport" |
			sed "s/^/$v /"
	done
}

run_backend() {
	local be=$1 k=0 c name sched weights n nv flags kind
	for c in "${CASES[@]}"; do
		read -r name sched weights n nv flags kind <<<"$c"
		k=$((k + 1))
		if ! setup "$be" $((6000 + k)) "$sched" "$weights" "$nv" "$flags"; then
			echo "setup failed" > "$WORK/$name.$be"
			continue
		fi
		t0=$(date +%s%1N)
		flows "$be" $((6000 + k)) "$n" "$nv" > "$WORK/$name.$be"
		echo "$be $name $(( $(date +%s%1N) - t0 ))" | tee -a "$WORK/timing" | sed "s/^/# ds: /"
		# the extra cases on the same service, after the first flows
		case $name in
		wlc)	# quiescing: weight 0 takes no new flows
			adm "$be" -e -u "$VIP4:$((6000 + k))" -r "$(rs_ip4 1):53" -m -w 0
			flows "$be" $((6000 + k)) 30 1 40000 > "$WORK/quiesce.$be" ;;
		esac
	done
	adm "$be" -C
}

# thresholds under load (ipvsadm -x): fo sends to the heaviest server until
# it reaches its upper threshold, then to the next; sh and mh with fallback
# send the flows of a server at its threshold elsewhere
# thresh BE NAME PORT SCHED FLAGS "W:X W:X W:X" FLOWS
thresh() {
	local be=$1 name=$2 port=$3 sched=$4 flags=$5 ws=$6 n=$7 i=0 wx
	setup "$be" "$port" "$sched" 1,1,1 1 "$flags" || return 1
	for wx in $ws; do
		i=$((i + 1))
		adm "$be" -e -u "$VIP4:$port" -r "$(rs_ip4 $i):53" -m -w "${wx%:*}" -x "${wx#*:}" ||
			return 1
	done
	flows "$be" "$port" "$n" 1 > "$WORK/$name.$be"
}

# under active load (TCP connections held open, NAT to the web servers):
# lblc/lblcr leave a server once it has more active connections than its
# weight while another has fewer than half its weight; wlc/twos-free cases
# compare IPVS's and halb's ActiveConn per server
active_case() {
	local be=$1 sched=$2 port=$3 i pid
	adm "$be" -A -t "$VIP4:$port" -s "$sched" || return 1
	for i in 1 2 3; do
		adm "$be" -a -t "$VIP4:$port" -r "$(rs_ip4 $i):80" -m -w $((4 - i)) || return 1
	done
	nsx c "$BIN/schedtool" hold $VIP4 "$port" 12 $SRC0 $NSRC 600 > "$WORK/hold.out" &
	pid=$!
	busywait 60000 grep -q held "$WORK/hold.out"
	active_sum() { adm "$be" -L -n | awk -v p=":$port" '$1 == "TCP" { on = index($2, p) } on && $1 == "->" { t += $5 } END { exit t != 12 }'; }
	busywait 20000 active_sum
	adm "$be" -L -n | awk -v p=":$port" '$1 == "TCP" { on = index($2, p) } on && $1 == "->" { print $2, $5 }' |
		sort > "$WORK/active-$sched.$be"
	kill "$pid"
	wait "$pid" 2>/dev/null
	adm "$be" -D -t "$VIP4:$port"
}

run_thresholds() {
	local be=$1
	thresh "$be" thresh-fo 6101 fo - "3:10 2:10 1:0" 30 &&
	thresh "$be" thresh-sh 6102 sh sh-fallback "1:10 1:0 1:0" 64 &&
	thresh "$be" thresh-mh 6103 mh mh-port,mh-fallback "1:10 1:0 1:0" 64
	adm "$be" -C
}

for be in ipvs halb; do
	case $be in
	ipvs)	modprobe ip_vs || { fail "load IPVS"; continue; }
		# twos came in 6.2: without it the halb case is checked alone
		for m in $IPVS_MODS; do
			modprobe "$m" 2>/dev/null || { diag "IPVS has no $m here"; touch "$WORK/no.${m#ip_vs_}"; }
		done ;;
	halb)	modprobe -r $IPVS_MODS ip_vs 2>/dev/null
		load_halb || { fail "load halb.ko"; continue; } ;;
	esac
	start=$(date +%s)
	run_backend $be
	t0=$(date +%s%1N)
	run_thresholds $be
	echo "$be thresholds $(( $(date +%s%1N) - t0 ))" | tee -a "$WORK/timing" | sed "s/^/# ds: /"
	p=6300
	for s in lblc lblcr wlc sed; do
		p=$((p + 1))
		t0=$(date +%s%1N)
		active_case "$be" $s $p || echo "setup failed" > "$WORK/active-$s.$be"
		echo "$be active-$s $(( $(date +%s%1N) - t0 ))" | tee -a "$WORK/timing" | sed "s/^/# ds: /"
	done
	adm "$be" -C
	diag "$be: all cases in $(($(date +%s) - start)) s"
done

diag "deciseconds per case: $(awk '{ printf "%s/%s=%s ", $1, $2, $3 }' "$WORK/timing")"

# server count of a result file: "VIP SERVER N" lines
count() { awk -v s="$2" '$2 == s { t += $3 } END { print t + 0 }' "$1"; }
summary() { awk '{ a[$2] += $3 } END { for (s in a) print s "=" a[s] }' "$1" | sort | paste -sd' '; }

for c in "${CASES[@]}"; do
	read -r name sched weights n nv flags kind <<<"$c"
	i_f=$WORK/$name.ipvs h_f=$WORK/$name.halb
	fl=""; [ "$flags" != - ] && fl=" -b $flags"
	desc="$name: -s $sched$fl, weights $weights, $n flows"
	[ -e "$WORK/no.$sched" ] && echo "- -" > "$i_f"
	if grep -q "setup failed" "$h_f" "$i_f" 2>/dev/null || [ ! -s "$i_f" ] || [ ! -s "$h_f" ]; then
		fail "$desc: set-up or no replies (ipvs: $(cat "$i_f" 2>/dev/null | tr '\n' ' ') halb: $(cat "$h_f" 2>/dev/null | tr '\n' ' '))"
		continue
	fi
	if grep -q timeout "$h_f" "$i_f"; then
		fail "$desc: flows went unanswered"
		continue
	fi
	case $kind in
	exact)
		if cmp -s "$i_f" "$h_f"; then
			ok "$desc: halb = IPVS per VIP and server ($(summary "$h_f"))"
		else
			fail "$desc: halb ($(tr '\n' ' ' < "$h_f")) != IPVS ($(tr '\n' ' ' < "$i_f"))"
		fi ;;
	twos)
		# random draws: each server within 10% of the flows of IPVS's count
		# (or, on kernels whose IPVS has no twos, of its weight's share)
		good=true wsum=0 k=0
		for w in ${weights//,/ }; do wsum=$((wsum + w)); done
		for w in ${weights//,/ }; do
			k=$((k + 1))
			if [ -e "$WORK/no.twos" ]; then
				d=$(( $(count "$h_f" rs$k) - n * w / wsum ))
			else
				d=$(( $(count "$h_f" rs$k) - $(count "$i_f" rs$k) ))
			fi
			[ ${d#-} -le $((n / 10)) ] || good=false
		done
		if [ -e "$WORK/no.twos" ]; then
			check "$desc: each server within $((n / 10)) flows of its weight's share (halb $(summary "$h_f"); this IPVS has no twos)" $good
		else
			check "$desc: each server within $((n / 10)) flows of IPVS (halb $(summary "$h_f"), IPVS $(summary "$i_f"))" $good
		fi ;;
	mh)
		# a different hash: shares of the weights, within 3 standard
		# deviations of flows clumped by source address
		good=true wsum=0
		for w in ${weights//,/ }; do wsum=$((wsum + w)); done
		k=0
		for w in ${weights//,/ }; do
			k=$((k + 1))
			awk -v got="$(count "$h_f" rs$k)" -v n="$n" -v w="$w" -v ws="$wsum" -v ns=$NSRC \
			    -v port="$flags" 'BEGIN {
				p = w / ws; units = port ~ /port/ ? n : (n < ns ? n : ns);
				sd = n / units * sqrt(units * p * (1 - p));
				d = got - n * p; if (d < 0) d = -d;
				exit !(d <= 3 * sd + 1) }' || good=false
		done
		check "$desc: halb's shares follow the weights (halb $(summary "$h_f"), IPVS $(summary "$i_f"))" $good ;;
	esac
done

for t in "thresh-fo|fo, weights 3,2,1, -x 10,10,0, 30 flows" \
	 "thresh-sh|sh -b sh-fallback, rs1 -x 10, 64 flows"; do
	i_f=$WORK/${t%%|*}.ipvs h_f=$WORK/${t%%|*}.halb
	if [ -s "$i_f" ] && cmp -s "$i_f" "$h_f"; then
		ok "thresholds: ${t#*|}: halb = IPVS ($(summary "$h_f"))"
	else
		fail "thresholds: ${t#*|}: halb ($(tr '\n' ' ' < "$h_f" 2>/dev/null)) != IPVS ($(tr '\n' ' ' < "$i_f" 2>/dev/null))"
	fi
done
# mh hashes differently from IPVS: rs1 must stop at its threshold and the
# fallback must place every other flow
mh_thresh_ok() {
	[ "$(count "$1" rs1)" = 10 ] && [ "$(count "$1" rs2)" -gt 0 ] &&
	[ "$(count "$1" rs3)" -gt 0 ] && ! grep -qE 'refused|timeout' "$1" &&
	[ "$(awk '{ t += $3 } END { print t }' "$1")" = 64 ]
}
check "thresholds: mh -b mh-port,mh-fallback, rs1 -x 10, 64 flows: rs1 stops at 10, none refused (halb $(summary "$WORK/thresh-mh.halb"), IPVS $(summary "$WORK/thresh-mh.ipvs"))" \
	mh_thresh_ok "$WORK/thresh-mh.halb"

for s in lblc lblcr wlc sed; do
	i_f=$WORK/active-$s.ipvs h_f=$WORK/active-$s.halb
	if [ "$(wc -l < "$i_f" 2>/dev/null)" = 3 ] && cmp -s "$i_f" "$h_f" &&
	   [ "$(awk '{ t += $2 } END { print t }' "$h_f")" = 12 ]; then
		ok "active load: $s, weights 3,2,1, 12 TCP connections held: halb = IPVS (ActiveConn $(awk '{ print $1 "=" $2 }' "$h_f" | paste -sd' '))"
	else
		fail "active load: $s: halb ($(tr '\n' ' ' < "$h_f" 2>/dev/null)) != IPVS ($(tr '\n' ' ' < "$i_f" 2>/dev/null))"
	fi
done

# the wlc case above then quiesced rs1 (weight 0) for 30 more flows
i_f=$WORK/quiesce.ipvs h_f=$WORK/quiesce.halb
if [ -s "$h_f" ] && cmp -s "$i_f" "$h_f" && [ "$(count "$h_f" rs1)" = 0 ]; then
	ok "quiescing: wlc, rs1 set to weight 0 gets none of 30 later flows, halb = IPVS ($(summary "$h_f"))"
else
	fail "quiescing: halb ($(tr '\n' ' ' < "$h_f" 2>/dev/null)) IPVS ($(tr '\n' ' ' < "$i_f" 2>/dev/null))"
fi

# scheduler switches and deletes with caches and timers (lblc/lblcr/mh)
adm halb -A -u "$VIP4:6200" -s lblc && adm halb -a -u "$VIP4:6200" -r "$(rs_ip4 1):53" -m &&
	nsx c "$BIN/schedtool" flows $VIP4 6200 3 $SRC0 3 30000 >/dev/null &&
	adm halb -E -u "$VIP4:6200" -s lblcr && adm halb -E -u "$VIP4:6200" -s mh &&
	adm halb -E -u "$VIP4:6200" -s lblc && adm halb -D -u "$VIP4:6200" &&
	adm halb -A -u "$VIP4:6200" -s lblcr && adm halb -a -u "$VIP4:6200" -r "$(rs_ip4 2):53" -m
check "switching lblc -> lblcr -> mh -> lblc, delete, re-add: accepted" [ $? = 0 ]
adm halb -C
unload_halb
unloaded() { ! lsmod | grep -q '^halb '; }
check "module unloads after scheduler caches and timers are gone" unloaded
check "kernel log clean (no WARNING/BUG)" dmesg_clean
echo "1..$ktap_n"
[ "$ktap_fail" = 0 ]
