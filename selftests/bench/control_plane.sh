#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Benchmark stage 6: control plane.  Prints figures, never fails on them.
#
# Invocation (the framework's; runs INSIDE the guest, one vCPU, icount, so a
# guest nanosecond is one instruction):
#
#   selftests/vm/run --kernel 6.12 --icount -- selftests/bench/control_plane.sh
#
# Run on the host (not in a guest) it boots that guest itself and writes the
# rows it printed to "$BENCH_OUT/control_plane.tsv" (BENCH_OUT: default a
# temp dir, printed).  Getting rows out of the guest: the guest sees the
# host's root read-only, and the one writable share of vm/run (its "out" dir)
# is mounted outside the chroot the command runs in and removed when vm/run
# exits, and vm/run passes only HALB_* variables in.  So inside the guest
# every TSV row is printed on stdout (the guest's ttyS1, vm/run's stdout)
# prefixed with "@tsv " (comments included); the host side keeps those lines,
# prefix removed:   ... | sed -n 's/^@tsv //p' > "$BENCH_OUT/control_plane.tsv"
# If HALB_BENCH_OUT (or BENCH_OUT) names a directory writable in the guest,
# the rows are also written to control_plane.tsv there.
#
# What is measured (rounds alternate A/B/A/B):
#  restore   the same rule text, 10,000 TCP services (203.0.113.1-100, ports
#            10000-10099) x 4 NAT real servers (192.0.2.x / 198.51.100.x),
#            loaded into an empty table by "halbctl -R" (halb.ko) and by
#            "ipvsadm -R" (ip_vs.ko): guest CPU ms (busy time of the one vCPU
#            from /proc/schedstat, idle excluded: under icount, instructions).
#            Goal ratio<=0.1.
#  reload    halbd with that table (big) and halbd with 10 services x 4 (small),
#            each in its own netns; one real server's weight is changed in
#            the config and halbd gets SIGHUP.  Figures: halbd's CPU time for
#            the reload (from /proc/PID/schedstat, ns on the CPU), and the
#            time from its "reloading" log line to the later of "reload done"
#            and "real server ... weight" (ms, the log's resolution; from the
#            signal itself would include idle jumps of the guest clock).
#            big vs small is the series; goal flat<=1.10 (ratio = big/small).
#
# Environment: CP_SERVICES (10000), CP_RS (4), CP_ROUNDS (restore rounds per
# tool, 2), CP_HUPS (SIGHUPs per table, 3), CP_SMALL (10), CP_PARTS ("restore
# reload": which measurements; two guests can run one each); in the guest also
# as HALB_CP_* (what vm/run passes in), CP_KERNEL (6.12) on the host.
#
# Cost, in guest CPU (instructions): one 10,000x4 round is about 9 s for
# halbctl -R and 25 s for ipvsadm -R; halbd's start with that table and
# each of its SIGHUPs about 8 s.  Real time depends on what else the host
# runs: unloaded, TCG does some hundreds of millions of instructions a
# second; on a 2-CPU host shared with four other guests it did about 15
# million, and this stage took over an hour.
set -u
# The whole script is one compound command, parsed before it runs: editing
# the file while a (long) run reads it over 9p cannot derail that run.
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
STAGE=control_plane

# ---------------------------------------------------------------- host side
if [ ! -e /run/halb-vm/cmd ]; then
	out=${BENCH_OUT:-}
	if [ -z "$out" ]; then
		out=$(mktemp -d "${TMPDIR:-/tmp}/halb-bench.XXXXXX")
		standalone=1
	fi
	mkdir -p "$out"
	# the guest's whole output stays beside the rows: a run stopped early
	# still has its per-round lines there
	log=$out/$STAGE.log
	# vm/run passes only HALB_* variables into the guest
	for v in SERVICES RS ROUNDS HUPS SMALL PARTS; do
		eval "[ -n \"\${CP_$v:-}\" ] && export HALB_CP_$v=\$CP_$v"
	done
	"$top/selftests/vm/run" --kernel "${CP_KERNEL:-6.12}" --icount --timeout "${CP_TIMEOUT:-5400}" \
		-- "$here/control_plane.sh" > "$log" &
	vmpid=$!
	# stopping this script stops the guest (vm/run kills qemu on TERM)
	trap 'kill "$vmpid" 2>/dev/null' EXIT
	trap 'exit 143' TERM INT
	tail -n +1 -f --pid="$vmpid" "$log" | grep --line-buffered -v '^@tsv '
	wait "$vmpid"
	rc=$?
	trap - EXIT
	sed -n 's/^@tsv //p' "$log" | tr -d '\r' > "$out/$STAGE.tsv"
	if [ -n "${standalone:-}" ]; then
		echo "# $out/$STAGE.tsv:"
		cat "$out/$STAGE.tsv"
	fi
	exit "$rc"
fi

# --------------------------------------------------------------- guest side
SERVICES=${CP_SERVICES:-${HALB_CP_SERVICES:-10000}}
NRS=${CP_RS:-${HALB_CP_RS:-4}}
ROUNDS=${CP_ROUNDS:-${HALB_CP_ROUNDS:-2}}
HUPS=${CP_HUPS:-${HALB_CP_HUPS:-3}}
SMALL=${CP_SMALL:-${HALB_CP_SMALL:-10}}
PARTS=${CP_PARTS:-${HALB_CP_PARTS:-restore reload}}
KO=$top/.build/$(uname -r)/kmod/halb.ko
HALBCTL=$top/userspace/halbctl/halbctl
HALBD=$top/userspace/halbd/halbd
WORK=$(mktemp -d /tmp/halb-cp.XXXXXX)
NSB=cpbig$$ NSS=cpsmall$$
tsv_file=
for d in "${HALB_BENCH_OUT:-}" "${BENCH_OUT:-}"; do
	if [ -n "$d" ] && mkdir -p "$d" 2>/dev/null && : > "$d/$STAGE.tsv" 2>/dev/null; then
		tsv_file=$d/$STAGE.tsv
		break
	fi
done

cleanup() {
	local p
	for p in ${HALBD_PIDS:-}; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$NSB" 2>/dev/null
	ip netns del "$NSS" 2>/dev/null
	rm -rf "$WORK"
	# the guest is thrown away: unloading is only tidiness, never wait on it
	timeout 30 "$HALBCTL" -C 2>/dev/null
	timeout 30 ipvsadm -C 2>/dev/null
}
trap cleanup EXIT

row() {	# row FIELDS...: one TSV line (or a comment), to stdout and the file
	local line
	line=$(printf '%s\t' "$@")
	line=${line%$'\t'}
	echo "@tsv $line"
	[ -n "$tsv_file" ] && echo "$line" >> "$tsv_file"
	return 0
}

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
stats() {	# stats "SAMPLES": min/median/max
	local s=$1
	echo "min $(tr ' ' '\n' <<<"$s" | grep . | sort -g | head -1)" \
	     "median $(median <<<"$s")" "max $(tr ' ' '\n' <<<"$s" | grep . | sort -g | tail -1)"
}
ratio() { awk -v a="$(median <<<"$1")" -v b="$(median <<<"$2")" 'BEGIN { if (b > 0) printf "%.3f", a / b; else print "-" }'; }

now_ns() { date +%s%N; }

echo "# stage 6, control plane: kernel $(uname -r), $(nproc) CPU," \
	"guest clock (instructions when booted with vm/run --icount)"
grep -qw 'slub_debug[^ ]*' /proc/cmdline &&
	echo "# note: the guest booted with $(grep -o 'slub_debug=[^ ]*' /proc/cmdline): allocations cost more for both sides"

fail_row() {	# fail_row SECTION LABEL UNIT REF WHY
	row "# $2: not measured: $5"
	echo "# $2: not measured: $5"
}

if ! modprobe -a nf_reject_ipv4 nf_reject_ipv6 nf_defrag_ipv4 nf_defrag_ipv6 || ! insmod "$KO"; then
	echo "# cannot load $KO (make kmod-all): nothing measured"
	exit 0
fi
if ! modprobe -a ip_vs ip_vs_wrr; then
	echo "# cannot load ip_vs: the restore comparison is not measured"
	have_ipvs=0
else
	have_ipvs=1
fi

# --- the rule text ----------------------------------------------------------
# Service i (0-based): 203.0.113.(i/100+1):(10000+i%100); real server j of it:
# j even on 192.0.2.x, odd on 198.51.100.x, host part (i*NRS+j)%250+1,
# port 8000+(i*NRS+j)/250%1000 so every (service, server) pair is unique text.
gen_rules() {	# gen_rules N
	awk -v n="$1" -v nrs="$NRS" 'BEGIN {
		for (i = 0; i < n; i++) {
			vip = sprintf("203.0.113.%d:%d", int(i / 100) % 254 + 1, 10000 + i % 100 + 100 * int(i / 25400))
			printf "-A -t %s -s wrr\n", vip
			for (j = 0; j < nrs; j++) {
				k = i * nrs + j
				net = (j % 2) ? "198.51.100" : "192.0.2"
				printf "-a -t %s -r %s.%d:%d -m -w %d\n", vip, net, k % 250 + 1, 8000 + int(k / 250) % 1000, j + 1
			}
		}
	}'
}
# the same table as keepalived.conf; W: the weight of the first real server
# of the first service (the one line SIGHUP changes)
gen_conf() {	# gen_conf N W
	awk -v n="$1" -v nrs="$NRS" -v w0="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			printf "virtual_server 203.0.113.%d %d {\n", int(i / 100) % 254 + 1, 10000 + i % 100 + 100 * int(i / 25400)
			printf "    lb_algo wrr\n    lb_kind NAT\n    protocol TCP\n"
			for (j = 0; j < nrs; j++) {
				k = i * nrs + j
				net = (j % 2) ? "198.51.100" : "192.0.2"
				printf "    real_server %s.%d %d {\n        weight %d\n    }\n", net, k % 250 + 1,
					8000 + int(k / 250) % 1000, (i == 0 && j == 0) ? w0 : j + 1
			}
			printf "}\n"
		}
	}'
}

if [[ " $PARTS " == *" restore "* ]]; then
	gen_rules "$SERVICES" > "$WORK/rules"
	lines=$(wc -l < "$WORK/rules")
	echo "# rule text: $lines lines ($SERVICES services x $NRS real servers), $(wc -c < "$WORK/rules") bytes"
fi

row "# stage 6 control plane, guest $(uname -r), under vm/run --icount (guest ns = instructions), $SERVICES services x $NRS real servers"
row "# restore: guest CPU ms (busy, idle excluded) for the whole restore into an empty table; reload: SIGHUP with one real server's weight changed"
grep -qw 'slub_debug[^ ]*' /proc/cmdline &&
	row "# note: guest booted with $(grep -o 'slub_debug=[^ ]*' /proc/cmdline) (vm/run's default): every allocation costs more, on both sides"

# --- restore: halbctl -R vs ipvsadm -R --------------------------------------
# cpu_ns: CPU time of everything that ran since boot (ns, /proc/schedstat's
# rq_cpu_time of cpu0; one vCPU).  Idle is not in it: under icount an idle
# guest's clock jumps ahead by host-dependent amounts (e.g. while a binary's
# pages come over 9p), so elapsed time is not repeatable and busy time is.
cpu_ns() { awk '$1 == "cpu0" { print $8 }' /proc/schedstat; }

# time_restore TOOL: load the rules into an empty table, print guest CPU ms
time_restore() {
	local c0 c1 rc
	case $1 in
	halb)	"$HALBCTL" -C
		sleep 2	# the last table's RCU frees done before timing (idle is free)
		c0=$(cpu_ns); "$HALBCTL" -R < "$WORK/rules"; rc=$?; c1=$(cpu_ns)
		n=$("$HALBCTL" -L -n | grep -c '^  -> [0-9]') ;;
	ipvs)	ipvsadm -C
		sleep 2
		c0=$(cpu_ns); ipvsadm -R < "$WORK/rules"; rc=$?; c1=$(cpu_ns)
		n=$(ipvsadm -L -n | grep -c '^  -> [0-9]') ;;
	esac
	if [ "$rc" != 0 ] || [ "$n" != $((SERVICES * NRS)) ]; then
		echo "# $1 -R: exit $rc, $n real servers in the table (want $((SERVICES * NRS)))" >&2
		return 1
	fi
	awk -v d=$((c1 - c0)) 'BEGIN { printf "%.1f", d / 1e6 }'
}

# binaries and the rule text in the page cache first (no 9p reads inside)
cat "$HALBCTL" "$(command -v ipvsadm)" "$HALBD" > /dev/null
[ -f "$WORK/rules" ] && cat "$WORK/rules" > /dev/null
"$HALBCTL" -L -n > /dev/null 2>&1
ipvsadm -L -n > /dev/null 2>&1

halb_s="" ipvs_s=""
if [ "$have_ipvs" = 1 ] && [[ " $PARTS " == *" restore "* ]]; then
	for r in $(seq 1 "$ROUNDS"); do
		for tool in halb ipvs; do
			v=$(time_restore $tool) || continue
			echo "# restore round $r $tool: $v ms"
			if [ $tool = halb ]; then halb_s+="$v "; else ipvs_s+="$v "; fi
		done
	done
	"$HALBCTL" -C; ipvsadm -C
fi
[[ " $PARTS " == *" restore "* ]] &&
	row control_plane "restore ${SERVICES}x${NRS} (halbctl -R vs ipvsadm -R)" ms "${halb_s% }" "ipvsadm -R" "${ipvs_s% }" "ratio<=0.1"

# --- halbd: SIGHUP with one weight changed, big table vs small --------------
# start_halbd NS N: its config, its netns, wait for "halbd started"
start_halbd() {
	local ns=$1 n=$2
	gen_conf "$n" 1 > "$WORK/$ns.conf"
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip netns exec "$ns" "$HALBD" -n -l -f "$WORK/$ns.conf" -p "$WORK/$ns.pid" \
		--control "$WORK/$ns.sock" > "$WORK/$ns.log" 2>&1 &
	HALBD_PIDS+=" $!"
	eval "pid_$ns=$!"
	local i
	for i in $(seq 1 3000); do
		grep -q "halbd started" "$WORK/$ns.log" && return 0
		kill -0 "$(eval echo "\$pid_$ns")" 2>/dev/null || break
		sleep 0.2
	done
	echo "# halbd ($n services) did not start:"; tail -5 "$WORK/$ns.log" | sed 's/^/#   /'
	return 1
}

sched_ns() { awk '{ print $1 }' "/proc/$1/schedstat"; }
log_ms() {	# log_ms FILE FROM_LINE PATTERN: timestamp (ms) of the first match
	tail -n +"$2" "$1" | grep -F -- "$3" | head -1 | awk '{ split($1, t, "."); printf "%d%03d\n", t[1], t[2] }'
}

# hup NS N W: set the weight, SIGHUP, wait; sets HUP_CPU_US and HUP_MS.
# The wait is a "tail -f" (inotify) blocked on halbd's log, so nothing else
# runs on the one vCPU while halbd reloads: no polling.
hup() {
	local ns=$1 n=$2 w=$3 pid from c0 c1 t0 ts te tw fd tpid line got=0
	pid=$(eval echo "\$pid_$ns")
	# the one line: first real server of the first service, weight 1 <-> 2
	sed -i "0,/        weight [0-9]*/s//        weight $w/" "$WORK/$ns.conf"
	from=$(($(wc -l < "$WORK/$ns.log") + 1))
	exec {fd}< <(exec tail -n +"$from" -f "$WORK/$ns.log")
	tpid=$!
	sleep 0.5	# tail settled (idle: free under icount)
	c0=$(sched_ns "$pid")
	t0=$(now_ns)
	kill -HUP "$pid"
	while read -r -t 1200 -u "$fd" line; do
		case $line in *"reload done"*) got=1; break ;; esac
	done
	kill "$tpid" 2>/dev/null
	exec {fd}<&-
	c1=$(sched_ns "$pid")
	[ "$got" = 1 ] || { echo "# $ns: no 'reload done' in halbd's log"; return 1; }
	ts=$(log_ms "$WORK/$ns.log" "$from" "reloading")
	te=$(log_ms "$WORK/$ns.log" "$from" "reload done")
	tw=$(log_ms "$WORK/$ns.log" "$from" "weight $w")
	[ -n "$ts" ] && [ -n "$te" ] && [ -n "$tw" ] || { echo "# $ns: no weight line in halbd's log"; return 1; }
	[ "$tw" -gt "$te" ] && te=$tw
	HUP_CPU_US=$(awk -v d=$((c1 - c0)) 'BEGIN { printf "%.1f", d / 1e3 }')
	# from halbd's "reloading" (it took the signal): the signal's own
	# delivery can include an idle jump of the guest clock, the reload cannot
	HUP_MS=$((te - ts))
	HUP_SIG_MS=$((te - t0 / 1000000))
	return 0
}

big_cpu="" small_cpu="" big_ms="" small_ms=""
HALBD_PIDS=
if [[ " $PARTS " == *" reload "* ]] && start_halbd "$NSB" "$SERVICES" && start_halbd "$NSS" "$SMALL"; then
	nb=$(ip netns exec "$NSB" "$HALBCTL" -L -n | grep -c '^  -> [0-9]')
	ns_=$(ip netns exec "$NSS" "$HALBCTL" -L -n | grep -c '^  -> [0-9]')
	echo "# halbd up: $nb real servers in the big table, $ns_ in the small one"
	w=1
	for r in $(seq 1 "$HUPS"); do
		w=$((3 - w))	# 2, 1, 2, ...
		if hup "$NSB" "$SERVICES" $w; then
			big_cpu+="$HUP_CPU_US " big_ms+="$HUP_MS "
			echo "# SIGHUP round $r big ($SERVICES x $NRS): cpu $HUP_CPU_US us, reloading->applied $HUP_MS ms (from the signal $HUP_SIG_MS ms)"
		fi
		if hup "$NSS" "$SMALL" $w; then
			small_cpu+="$HUP_CPU_US " small_ms+="$HUP_MS "
			echo "# SIGHUP round $r small ($SMALL x $NRS): cpu $HUP_CPU_US us, reloading->applied $HUP_MS ms (from the signal $HUP_SIG_MS ms)"
		fi
	done
	grep -h "weight\|reload" "$WORK/$NSS.log" | tail -3 | sed 's/^/# small log: /'
	grep -h "weight\|reload" "$WORK/$NSB.log" | tail -3 | sed 's/^/# big log: /'
fi
for p in $HALBD_PIDS; do kill -TERM "$p" 2>/dev/null; done
wait 2>/dev/null
HALBD_PIDS=

# --- rows and summary ---------------------------------------------------------
[[ " $PARTS " == *" reload "* ]] && row control_plane "halbd SIGHUP one weight change: halbd CPU, ${SERVICES}x${NRS} vs ${SMALL}x${NRS}" us \
	"${big_cpu% }" "halbd ${SMALL}x${NRS}" "${small_cpu% }" "flat<=1.10"
[[ " $PARTS " == *" reload "* ]] && row control_plane "halbd SIGHUP one weight change: log reloading to applied, ${SERVICES}x${NRS} vs ${SMALL}x${NRS}" ms \
	"${big_ms% }" "halbd ${SMALL}x${NRS}" "${small_ms% }" "flat<=1.10"

summary() {	# summary LABEL UNIT HALB REF GOAL
	[ -n "$3" ] || { echo "  $1: no samples"; return; }
	printf '  %s\n    halb: %s %s\n    ref:  %s %s\n    ratio of medians %s, goal %s\n' \
		"$1" "$(stats "$3")" "$2" "$( [ -n "$4" ] && stats "$4")" "$2" \
		"$( [ -n "$4" ] && ratio "$3" "$4" || echo -)" "$5"
}
echo "== control plane summary =="
summary "restore ${SERVICES}x${NRS}: halbctl -R vs ipvsadm -R" ms "$halb_s" "$ipvs_s" "ratio<=0.1"
summary "halbd SIGHUP, CPU: ${SERVICES}x${NRS} vs ${SMALL}x${NRS}" us "$big_cpu" "$small_cpu" "flat<=1.10"
summary "halbd SIGHUP, log reloading->applied: ${SERVICES}x${NRS} vs ${SMALL}x${NRS}" ms "$big_ms" "$small_ms" "flat<=1.10"
echo "# done; cleaning up"
exit 0
}
