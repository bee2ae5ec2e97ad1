#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# halbd programs halb.ko from a keepalived.conf: virtual servers and real
# servers at start, a reload that changes one weight and nothing else
# (counters and an open connection survive), health checks taking a dead
# httpd out of the table and back, the same under a steady load with every
# request counted (nothing may fail across a reload, nor once a dead server
# is out, nor after its return), a kernel refusal logged with its
# file:line, the standby director's DR real-server set-up following VRRP,
# "halbctl realserver", and what stays in the kernel at exit.  Its metrics
# endpoint and SIGUSR1 dump must show the kernel's counters and the checks
# as they are (the host test selftests/halbd/observe.sh covers the rest).
#
#   client c                 director d (halbd)                real servers
#   eth0 198.51.100.2 ---- eth0 198.51.100.1                 rs1 192.0.2.11 httpd :80
#                          lo   VIP 203.0.113.1              rs2 192.0.2.12 httpd :80
#                          eth1 192.0.2.1 ---- [ br0 in sw ] rs3 192.0.2.13 httpd :80
#                               VRRP VI_1: 203.0.113.50 (DR virtual_server)
#
#   virtual_server 203.0.113.1 80    wrr NAT, TCP_CHECK, rs1..rs3
#   virtual_server 203.0.113.1 8080  rr  NAT, HTTP_GET, rs2 inhibit_on_failure
#   virtual_server 203.0.113.50 80   rr  DR, held by VI_1 (FAULT until a file exists)
#   later, by reload:
#   virtual_server 2001:db8:100::1 80 wlc NAT, TCP_CHECK, rs1..rs3 (2001:db8:2::11..13)
#   virtual_server fwmark 7           rr  NAT, TCP_CHECK, rs1..rs3 port 80; d's nft
#                                          marks TCP to 203.0.113.1:81 with 7
#   virtual_server 203.0.113.1 9000  wrr NAT, TCP_CHECK, loadtool servers on rs1..rs3,
#                                          a loadtool client in c
. "$(dirname "$0")/lib.sh"

HALBD=$TOP/userspace/halbd/halbd
CONF=$WORK/keepalived.conf
LOG=$WORK/halbd.log
# health-check timing: a dead server must leave within
# delay_loop + connect_timeout * (retry + 1) seconds
DELAY_LOOP=1 CONNECT_TIMEOUT=1 RETRY=1
BOUND_MS=$(( (DELAY_LOOP + CONNECT_TIMEOUT * (RETRY + 1)) * 1000 ))
SLACK_MS=1500	# TCG: process start-up and scheduling

[ -x "$HALBD" ] || { echo "1..0 # SKIP halbd not built"; exit 4; }

tcp_check() {
	cat <<EOF
        TCP_CHECK {
            connect_timeout $CONNECT_TIMEOUT
            retry $RETRY
            delay_before_retry 1
        }
EOF
}

# conf W3 [EXTRA80 [MORE]]: the configuration; W3 is rs3's weight on port 80,
# MORE is appended (further virtual_server blocks)
conf() {
	local w3=$1 extra=${2:-} more=${3:-} i
	{
	cat <<EOF
global_defs {
    router_id d
}
vrrp_script chk {
    script "/usr/bin/test -f $WORK/master.ok"
    interval 1
    timeout 5
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth1
    virtual_router_id 50
    priority 100
    advert_int 1
    virtual_ipaddress {
        203.0.113.50/32
    }
    track_script {
        chk
    }
}
virtual_server 203.0.113.1 80 {
    delay_loop $DELAY_LOOP
    lb_algo wrr
    lb_kind NAT
    protocol TCP
$extra
EOF
	for i in 1 2 3; do
		cat <<EOF
    real_server 192.0.2.1$i 80 {
        weight $([ "$i" = 3 ] && echo "$w3" || echo 1)
$(tcp_check)
    }
EOF
	done
	echo "}"
	cat <<EOF
virtual_server 203.0.113.1 8080 {
    delay_loop $DELAY_LOOP
    lb_algo rr
    lb_kind NAT
EOF
	for i in 1 2 3; do
		cat <<EOF
    real_server 192.0.2.1$i 80 {
        $([ "$i" = 2 ] && echo inhibit_on_failure)
        HTTP_GET {
            url {
                path /index.html
                status_code 200
            }
            connect_timeout $CONNECT_TIMEOUT
            retry $RETRY
            delay_before_retry 1
        }
    }
EOF
	done
	cat <<EOF
}
virtual_server 203.0.113.50 80 {
    lb_algo rr
    lb_kind DR
    real_server 192.0.2.11 80 {
        weight 1
    }
}
$more
EOF
	} > "$CONF"
}

# v6_fwm_conf: an IPv6 virtual server and a firewall-mark one, TCP_CHECK on each
v6_fwm_conf() {
	local i head
	for head in "$VIP6 80" "fwmark 7"; do
		echo "virtual_server $head {"
		echo "    delay_loop $DELAY_LOOP"
		echo "    lb_algo $([ "$head" = "fwmark 7" ] && echo rr || echo wlc)"
		echo "    lb_kind NAT"
		for i in 1 2 3; do
			if [ "$head" = "fwmark 7" ]; then
				echo "    real_server 192.0.2.1$i 80 {"
			else
				echo "    real_server $(rs_ip6 "$i") 80 {"
			fi
			tcp_check
			echo "    }"
		done
		echo "}"
	done
}

list() { adm halb -L -n; }
# fwm_dests MARK: how many real servers the firewall-mark service lists
fwm_dests() {
	list | awk -v m="$1" '$1 == "FWM" { f = ($2 == m); next }
		$1 ~ /^(TCP|UDP)$/ { f = 0 } f && $1 == "->"' | wc -l
}
# dest_line SVC RS: the real server's line in the listing of SVC (ip:port)
dest_line() { list | awk -v s="$1" -v r="$2" '$1 ~ /^(TCP|UDP)$/ { cur = $2 } $1 == "->" && cur == s && $2 == r'; }
weight() { dest_line "$1" "$2" | awk '{ print $4 }'; }
has_dest() { [ -n "$(dest_line "$1" "$2")" ]; }
no_dest() { list | grep -q "^TCP  $1 " && [ -z "$(dest_line "$1" "$2")" ]; }
weight_is() { [ "$(weight "$1" "$2")" = "$3" ]; }
stats_of() { adm halb -L -n --stats -X | awk -v s="$1" -v r="$2" '$1 ~ /^(TCP|UDP)$/ { cur = $2 } $1 == "->" && cur == s && $2 == r'; }
halbd_pid() { cat "$WORK/halbd.pid" 2>/dev/null; }
PY=/usr/bin/python3
PROM=$TOP/selftests/halbd/prom.py
# Processes are dear under TCG: curl scrapes, awk reads values; python
# (prom.py check, the full text-format validation) runs once.
scrape() { nsx d curl -sf -o "$WORK/m.prom" http://127.0.0.1:9650/metrics; }
# mval NAME [LABEL=VALUE]...: the value of the one sample of NAME with those labels
mval() {
	local name=$1 a w=()
	shift
	for a in "$@"; do w+=("${a%%=*}=\"${a#*=}\""); done
	awk -v n="$name" -v want="${w[*]}" '
		BEGIN { k = split(want, w, " ") }
		index($0, n "{") == 1 || $1 == n {
			for (i = 1; i <= k; i++) if (!index($0, w[i])) next
			print $NF; c++ }
		END { exit c != 1 }' "$WORK/m.prom"
}
# mcheck RS NAME: a check metric of real server RS (ip:port) of 203.0.113.1:80
mcheck() { mval "$2" virtual_server=203.0.113.1:80 protocol=tcp real_server="$1"; }
log_has() { grep -qF -- "$1" "$LOG"; }
now_ms() { date +%s%3N; }

start_halbd() {	# start_halbd [OPTIONS]
	# ip execs halbd: $! is halbd itself
	ip netns exec "$NS_PREFIX-d" "$HALBD" -n -l -f "$CONF" -p "$WORK/halbd.pid" \
		--control "$WORK/halbd.sock" "$@" >> "$LOG" 2>&1 &
	HALBD_PID=$!
}

stop_halbd() {
	kill -TERM "$HALBD_PID" 2>/dev/null
	busywait 5000 eval '! kill -0 "$HALBD_PID" 2>/dev/null'
	wait "$HALBD_PID" 2>/dev/null
}

# comm_pid NS COMM: the processes named COMM in namespace NS (nsx runs in
# a subshell, so $! is not the server it starts)
comm_pid() {
	local p
	for p in $(ip netns pids "$NS_PREFIX-$1"); do
		[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && echo "$p"
	done
}
httpd_pid() { comm_pid "rs$1" busybox; }	# httpd_pid N: the busybox httpd of rsN

[ -n "${HALB_TEST_BIN:-}" ] || echo "KTAP version 1"
load_halb || { fail "load halb.ko"; exit 1; }
topo_up 3
dmesg_mark
adm halb -C

# --- start ------------------------------------------------------------------
conf 1
out=$("$HALBD" -t -f "$CONF" 2>&1)
check "halbd -t: configuration OK with 3 virtual servers" \
	grep -q "lvs: 3 virtual_server(s) = 3 kernel service(s), 7 real server(s), 6 checker(s)" <<<"$out"
adm halb -A -t 198.51.100.1:9999 -s rr	# not halbd's: must be left alone
start_halbd --metrics 127.0.0.1:9650 --dump-file "$WORK/halbd.json"
check "halbd programs the services and real servers at start" \
	busywait 10000 eval 'has_dest 203.0.113.1:80 192.0.2.13:80 && has_dest 203.0.113.1:8080 192.0.2.13:80 && has_dest 203.0.113.50:80 192.0.2.11:80'
list | sed 's/^/# /'
check "listing: port 80 is wrr, real servers Masq weight 1" \
	eval '[ "$(list | grep -c "Masq    1 ")" -ge 6 ] && list | grep -q "^TCP  203.0.113.1:80 wrr"'
check "listing: the DR service, real server Route" \
	eval 'dest_line 203.0.113.50:80 192.0.2.11:80 | grep -q Route'

got=$(http_hits http://203.0.113.1/ 6 | sort | uniq -c | tr -s ' ' | tr '\n' ',')
check "traffic through the halbd-made service reaches all three ($got)" \
	[ "$(http_hits http://203.0.113.1/ 6 | sort -u | wc -l)" = 3 ]

# --- metrics: the kernel's counters through libhalb ---------------------------
check "metrics: a scrape is well-formed" eval 'scrape && "$PY" "$PROM" check "$WORK/m.prom" > /dev/null'
check "metrics: halb_kernel_up 1, 4 services (one not halbd's)" \
	eval '[ "$(mval halb_kernel_up)" = 1 ] && [ "$(mval halb_kernel_services)" = 4 ] &&
	      [ "$(mval halb_service_info local_address=198.51.100.1 local_port=9999 scheduler=rr)" = 1 ]'
c=$(mval halb_service_connections_total local_address=203.0.113.1 local_port=80 proto=tcp)
check "metrics: 203.0.113.1:80 counted the connections so far ($c)" [ "${c:-0}" -ge 6 ]
ok3=0
for i in 1 2 3; do
	n=$(mval halb_real_server_connections_total local_address=203.0.113.1 local_port=80 remote_address=192.0.2.1$i)
	p=$(mval halb_real_server_packets_in_total local_address=203.0.113.1 local_port=80 remote_address=192.0.2.1$i)
	diag "rs$i: $n connections, $p packets in"
	[ "${n:-0}" -ge 1 ] && [ "${p:-0}" -ge 3 ] && ok3=$((ok3 + 1))
done
check "metrics: each real server's connections and packets counted" [ "$ok3" = 3 ]
check "metrics: TCP_CHECK of rs2 up, its probes counted in the histogram" \
	eval '[ "$(mcheck 192.0.2.12:80 halb_check_up)" = 1 ] &&
	      [ "$(mcheck 192.0.2.12:80 halb_check_duration_seconds_count)" -ge 1 ]'

# --- reload: one weight ------------------------------------------------------
# an open connection across the reload: request sent only after it
rm -f "$WORK/go" "$WORK/held"
nsx c bash -c "exec 3<>/dev/tcp/203.0.113.1/80 || exit 1
	while [ ! -e $WORK/go ]; do sleep 0.1; done
	printf 'GET /index.html HTTP/1.0\r\n\r\n' >&3
	cat <&3 > $WORK/held" &
held=$!
busywait 5000 eval '[ "$(adm halb -L -n -c | grep -c ESTABLISHED)" -ge 1 ]'
s1=$(stats_of 203.0.113.1:80 192.0.2.11:80) s2=$(stats_of 203.0.113.1:80 192.0.2.12:80)
diag "before: rs1 $s1 / rs2 $s2"
lines_before=$(wc -l < "$LOG")
conf 3
kill -HUP "$(halbd_pid)"
check "SIGHUP: rs3's weight becomes 3" busywait 5000 weight_is 203.0.113.1:80 192.0.2.13:80 3
sleep 0.5
changes=$(tail -n +"$((lines_before + 1))" "$LOG" | grep -E "service (TCP|UDP) .*(added|removed|changed|weight)")
echo "$changes" | sed 's/^/# /'
check "SIGHUP: exactly one change applied (one real-server edit)" \
	[ "$(grep -c . <<<"$changes")" = 1 ]
check "SIGHUP: rs1 counters kept ($(stats_of 203.0.113.1:80 192.0.2.11:80 | tr -s ' '))" \
	[ "$(stats_of 203.0.113.1:80 192.0.2.11:80)" = "$s1" ]
check "SIGHUP: rs2 counters kept" [ "$(stats_of 203.0.113.1:80 192.0.2.12:80)" = "$s2" ]
touch "$WORK/go"
wait "$held"
check "SIGHUP: a connection opened before the reload is served after it" \
	grep -q "^rs[123]$" "$WORK/held"

# --- health checks -----------------------------------------------------------
pid=$(httpd_pid 2)
t0=$(now_ms)
kill "$pid"
if busywait $((BOUND_MS + SLACK_MS)) no_dest 203.0.113.1:80 192.0.2.12:80; then
	# halbd's own time stamp of the removal (same clock), not our polling's
	t1=$(grep -F "service TCP 203.0.113.1:80: real server 192.0.2.12:80 removed" "$LOG" |
	     tail -1 | cut -d' ' -f1)
	t1=${t1/./}
	check "TCP_CHECK: dead rs2 left the table $((t1 - t0)) ms after the kill (bound ${BOUND_MS} ms)" \
		[ "$((t1 - t0))" -le "$BOUND_MS" ]
else
	fail "TCP_CHECK: dead rs2 still in the table after $((BOUND_MS + SLACK_MS)) ms"
fi
check "HTTP_GET + inhibit_on_failure: dead rs2 stays at weight 0" \
	busywait $((BOUND_MS + SLACK_MS)) weight_is 203.0.113.1:8080 192.0.2.12:80 0
scrape
diag "$(grep -E '^halb_check_(up|failures_total)\{.*192.0.2.12:80.*TCP_CHECK' "$WORK/m.prom")"
check "metrics: dead rs2's check and real server gauges say 0, failures counted" \
	eval '[ "$(mcheck 192.0.2.12:80 halb_check_up)" = 0 ] &&
	      [ "$(mcheck 192.0.2.12:80 halb_check_real_server_up)" = 0 ] &&
	      [ "$(mcheck 192.0.2.12:80 halb_check_failures_total)" -ge 1 ] &&
	      [ "$(mcheck 192.0.2.11:80 halb_check_up)" = 1 ]'
check "metrics: the kernel's view: rs2 gone from :80, weight 0 on :8080" \
	eval '[ -z "$(mval halb_real_server_weight local_port=80 remote_address=192.0.2.12)" ] &&
	      [ "$(mval halb_real_server_weight local_port=8080 remote_address=192.0.2.12)" = 0 ]'
rm -f "$WORK/halbd.json"
kill -USR1 "$(halbd_pid)"
check "SIGUSR1: the dump shows rs2 dead, its checks down, the others alive" \
	busywait 5000 eval '"$PY" - "$WORK/halbd.json" <<"EOF"
import json, sys
d = json.load(open(sys.argv[1]))
vs = [v for v in d["virtual_servers"] if v["name"] == "203.0.113.1:80"][0]
rs = {r["address"]: r for r in vs["real_servers"]}
assert d["halbd"]["kernel"] and vs["applied"]
assert rs["192.0.2.12"]["alive"] is False and rs["192.0.2.12"]["checks"][0]["up"] is False
assert rs["192.0.2.11"]["alive"] is True and rs["192.0.2.11"]["checks"][0]["kind"] == "TCP_CHECK"
EOF'
check "traffic avoids the dead server" \
	eval '! http_hits http://203.0.113.1/ 4 | grep -q rs2'
nsx rs2 busybox httpd -p 80 -h "$WORK/www2"
check "revived rs2 is back at weight 1 (port 80)" \
	busywait $((BOUND_MS + SLACK_MS)) weight_is 203.0.113.1:80 192.0.2.12:80 1
check "revived rs2 is back at weight 1 (port 8080)" \
	busywait $((BOUND_MS + SLACK_MS)) weight_is 203.0.113.1:8080 192.0.2.12:80 1
check "metrics: revived rs2's check gauge back to 1" \
	eval 'scrape && [ "$(mcheck 192.0.2.12:80 halb_check_up)" = 1 ]'
check "halbd logged the down transition" log_has "real server 192.0.2.12:80 down"

# --- standby director: DR real-server set-up follows VRRP ---------------------
check "VI_1 not MASTER: 203.0.113.50 on lo of the director (DR real server)" \
	busywait 5000 eval 'nsx d ip -o addr show dev lo | grep -q "203.0.113.50/32"'
check "VI_1 not MASTER: arp_ignore=1 arp_announce=2" \
	eval '[ "$(nsx d sysctl -n net.ipv4.conf.all.arp_ignore)$(nsx d sysctl -n net.ipv4.conf.all.arp_announce)" = 12 ]'
touch "$WORK/master.ok"
check "VI_1 MASTER: 203.0.113.50 on eth1" \
	busywait 10000 eval 'nsx d ip -o addr show dev eth1 | grep -q "203.0.113.50/32"'
check "VI_1 MASTER: 203.0.113.50 no longer on lo" \
	busywait 3000 eval '! nsx d ip -o addr show dev lo | grep -q "203.0.113.50"'
diag "HALB_SVC_F_STANDBY itself is not shown by halbctl; the unit tests check the flag"

# --- a kernel refusal --------------------------------------------------------
conf 3 "    persistence_timeout 30"
kill -HUP "$(halbd_pid)"
if busywait 5000 eval 'list | grep -q "^TCP  203.0.113.1:80 wrr persistent 30"'; then
	ok "persistence_timeout applied by an edit (kernel supports persistence)"
else
	check "persistence refused by this kernel: logged with file:line and the kernel's message" \
		busywait 3000 eval 'grep -E "keepalived.conf:[0-9]+: virtual_server service TCP 203.0.113.1:80: changing the service failed: .*\(kernel: " "$LOG" >/dev/null'
	grep "changing the service failed" "$LOG" | tail -1 | sed 's/^/# /'
fi
check "after the refusal everything else is still in place" \
	eval 'weight_is 203.0.113.1:80 192.0.2.13:80 3 && has_dest 203.0.113.1:8080 192.0.2.11:80'

# --- IPv6 and firewall-mark virtual servers -----------------------------------
nsx d nft -f - <<EOF || fail "nft: mark TCP to $VIP4:81"
table inet halbtest {
	chain pre {
		type filter hook prerouting priority mangle;
		ip daddr $VIP4 tcp dport 81 meta mark set 7
	}
}
EOF
conf 3 "" "$(v6_fwm_conf)"
out=$("$HALBD" -t -f "$CONF" 2>&1)
check "halbd -t: the IPv6 and fwmark virtual servers load" \
	grep -q "lvs: 5 virtual_server(s) = 5 kernel service(s), 13 real server(s)" <<<"$out"
kill -HUP "$(halbd_pid)"
v6svc="[$VIP6]:80"
check "SIGHUP: IPv6 service with its three real servers" \
	busywait 10000 eval 'has_dest "$v6svc" "[$(rs_ip6 1)]:80" && has_dest "$v6svc" "[$(rs_ip6 3)]:80"'
check "SIGHUP: firewall-mark service FWM 7 with its three real servers" \
	busywait 10000 eval 'list | grep -q "^FWM  7 rr" && [ "$(fwm_dests 7)" = 3 ]'
list | sed 's/^/# /'
got=$(http_hits "http://[$VIP6]/" 6 | sort | uniq -c | tr -s ' ' | tr '\n' ',')
check "IPv6 through the halbd-made service reaches all three ($got)" \
	[ "$(http_hits "http://[$VIP6]/" 6 | sort -u | wc -l)" = 3 ]
got=$(http_hits "http://$VIP4:81/" 6 | sort | uniq -c | tr -s ' ' | tr '\n' ',')
check "marked TCP to :81 through FWM 7 reaches all three ($got)" \
	[ "$(http_hits "http://$VIP4:81/" 6 | sort -u | wc -l)" = 3 ]
kill "$(httpd_pid 3)"
check "dead rs3 leaves the IPv6 service" \
	busywait $((BOUND_MS + SLACK_MS)) eval '! has_dest "$v6svc" "[$(rs_ip6 3)]:80"'
check "dead rs3 leaves FWM 7" \
	busywait $((BOUND_MS + SLACK_MS)) eval '[ "$(fwm_dests 7)" = 2 ]'
check "IPv6 and marked traffic avoid the dead server" \
	eval '! { http_hits "http://[$VIP6]/" 4; http_hits "http://$VIP4:81/" 4; } | grep -q rs3'
nsx rs3 busybox httpd -p 80 -h "$WORK/www3"
check "revived rs3 is back in the IPv6 service and FWM 7" \
	busywait $((BOUND_MS + SLACK_MS)) eval 'has_dest "$v6svc" "[$(rs_ip6 3)]:80" && [ "$(fwm_dests 7)" = 3 ]'
conf 3
kill -HUP "$(halbd_pid)"
check "SIGHUP without them: the IPv6 and fwmark services are removed" \
	busywait 5000 eval '! list | grep -q "^FWM  7" && ! list | grep -qF "$v6svc"'
nsx d nft delete table inet halbtest

# --- under load: a reload, a dead real server and its return, requests counted
# loadtool servers on rs1..rs3 :9000 behind 203.0.113.1:9000 (wrr NAT,
# TCP_CHECK); a client in c keeps two threads of short connections and
# three long-lived ones going through all of it.
# load_conf W3: that virtual_server, rs3 at weight W3
load_conf() {
	local i
	printf 'virtual_server 203.0.113.1 9000 {\n    delay_loop %s\n' "$DELAY_LOOP"
	printf '    lb_algo wrr\n    lb_kind NAT\n    protocol TCP\n'
	for i in 1 2 3; do
		echo "    real_server 192.0.2.1$i 9000 {"
		echo "        weight $([ "$i" = 3 ] && echo "$1" || echo 1)"
		tcp_check
		echo "    }"
	done
	echo "}"
}
# lstat KEY: a counter of the client's status file
lstat() { grep -o "\b$1=[0-9]*" "$WORK/load.status" 2>/dev/null | cut -d= -f2 | grep . || echo 0; }
# more_requests N: wait until the client has completed N more short requests
more_requests() { local from; from=$(lstat short_ok); busywait 30000 eval '[ "$(lstat short_ok)" -ge $((from + $1)) ]'; }
loadtool_pid() { comm_pid "rs$1" loadtool; }	# loadtool_pid N: the loadtool server of rsN
for i in 1 2 3; do
	nsx "rs$i" "$BIN/loadtool" server 9000 > /dev/null 2>&1 &
done
busywait 5000 eval '[ -n "$(loadtool_pid 1)" ] && [ -n "$(loadtool_pid 2)" ] && [ -n "$(loadtool_pid 3)" ]'
conf 3 "" "$(load_conf 1)"
kill -HUP "$(halbd_pid)"
check "load: SIGHUP adds 203.0.113.1:9000 with its three real servers" \
	busywait 10000 eval 'has_dest 203.0.113.1:9000 192.0.2.11:9000 &&
			    has_dest 203.0.113.1:9000 192.0.2.12:9000 &&
			    has_dest 203.0.113.1:9000 192.0.2.13:9000'
rm -f "$WORK/load.stop"
nsx c "$BIN/loadtool" client --workers 2 --pause 20 --size 2000 \
	--long 3 --long-size 4096 --rate 20000 --ctimeout 1000 --timeout 3000 \
	--stop "$WORK/load.stop" --status "$WORK/load.status" --log "$WORK/load.log" \
	203.0.113.1 9000 > "$WORK/load.out" 2>&1 &
lclient=$!
more_requests 20
# a reload that changes a weight of this very service, under load
conf 3 "" "$(load_conf 2)"
kill -HUP "$(halbd_pid)"
check "load: SIGHUP under load sets rs3's weight to 2" \
	busywait 5000 weight_is 203.0.113.1:9000 192.0.2.13:9000 2
more_requests 20
diag "after the reload: $(cat "$WORK/load.status")"
check "load: nothing failed across the reload ($(lstat short_ok) short requests, $(lstat long_reqs) on the long-lived connections)" \
	eval '[ "$(lstat short_fail)" = 0 ] && [ "$(lstat long_fail)" = 0 ]'
# rs2's server killed: requests fail only until the check takes it out
t_kill=$(now_ms)
kill $(loadtool_pid 2)
check "load: dead rs2 leaves 203.0.113.1:9000" \
	busywait $((BOUND_MS + SLACK_MS)) no_dest 203.0.113.1:9000 192.0.2.12:9000
t_gone=$(now_ms)
more_requests 20
t_after=$(now_ms)
nsx rs2 "$BIN/loadtool" server 9000 > /dev/null 2>&1 &
check "load: revived rs2 is back in 203.0.113.1:9000" \
	busywait $((BOUND_MS + SLACK_MS)) has_dest 203.0.113.1:9000 192.0.2.12:9000
t_back=$(now_ms)
more_requests 20
touch "$WORK/load.stop"
wait "$lclient"
tail -n 1 "$WORK/load.out" | sed 's/^/# /'
# the client's log, one line a short request: T0 T1 T2 SERVER STATUS BYTES (ns)
read -r w wf n nf b bf b2 < <(awk -v k="$t_kill" -v g="$t_gone" -v a="$t_after" -v r="$t_back" '
	{ t = int($1 / 1000000); bad = $5 != "ok" }
	t >= k && t <= g { w++; wf += bad }
	t > g && t <= a { n++; nf += bad }
	t > r { b++; bf += bad; if ($4 == "192.0.2.12" && !bad) b2++ }
	END { print w + 0, wf + 0, n + 0, nf + 0, b + 0, bf + 0, b2 + 0 }' "$WORK/load.log")
diag "rs2 dead: $wf of $w requests failed in the $((t_gone - t_kill)) ms until the listing no longer showed it (polled)"
check "load: once rs2 is out, no request fails ($n requests, $nf failed)" \
	eval '[ "$n" -ge 20 ] && [ "$nf" = 0 ]'
check "load: after its return rs2 serves again, nothing fails ($b2 of $b requests on rs2, $bf failed)" \
	eval '[ "$b2" -ge 1 ] && [ "$bf" = 0 ]'
kill $(loadtool_pid 1) $(loadtool_pid 2) $(loadtool_pid 3) 2>/dev/null
conf 3
kill -HUP "$(halbd_pid)"
check "load: SIGHUP without it: 203.0.113.1:9000 removed" \
	busywait 5000 eval '! list | grep -q "^TCP  203.0.113.1:9000 "'

# --- halbctl realserver ------------------------------------------------------
nsx rs1 "$HALBCTL" realserver up 203.0.113.60 2001:db8:100::60 > /dev/null
check "halbctl realserver up: VIPs on lo, arp_ignore=1 arp_announce=2" \
	eval 'nsx rs1 ip -o addr show dev lo | grep -q "203.0.113.60/32" &&
	      nsx rs1 ip -o addr show dev lo | grep -q "2001:db8:100::60/128" &&
	      [ "$(nsx rs1 sysctl -n net.ipv4.conf.lo.arp_ignore)$(nsx rs1 sysctl -n net.ipv4.conf.all.arp_announce)" = 12 ]'
nsx rs1 "$HALBCTL" realserver down 203.0.113.60 2001:db8:100::60 > /dev/null
check "halbctl realserver down: VIPs gone, sysctls back to 0" \
	eval '! nsx rs1 ip -o addr show dev lo | grep -q "203.0.113.60" &&
	      [ "$(nsx rs1 sysctl -n net.ipv4.conf.all.arp_ignore)" = 0 ]'

# --- exit --------------------------------------------------------------------
conf 3
kill -HUP "$(halbd_pid)"
sleep 1
stop_halbd
check "exit: services stay in the kernel by default" \
	has_dest 203.0.113.1:80 192.0.2.13:80
start_halbd --flush-on-exit
check "restart: the services are adopted, nothing re-added" \
	busywait 5000 log_has "service TCP 203.0.113.1:80 already in the kernel, 3 real server(s): kept"
sleep 1
stop_halbd
check "exit with --flush-on-exit: halbd's services removed" \
	eval '! list | grep -q "203.0.113.1:80"'
check "exit with --flush-on-exit: a service halbd does not own is left alone" \
	eval 'list | grep -q "^TCP  198.51.100.1:9999"'
adm halb -C

check "kernel log clean" dmesg_clean
if [ "$ktap_fail" = 0 ]; then
	grep -E "error|refused" "$LOG" | head -20 | sed 's/^/# log: /'
else
	grep -vE "^exec of" "$LOG" | tail -150 | sed 's/^/# log: /'
fi
[ -n "${HALB_TEST_BIN:-}" ] || echo "1..$ktap_n"
echo "$((ktap_n - ktap_fail)) passed, $ktap_fail failed"
[ "$ktap_fail" = 0 ]
