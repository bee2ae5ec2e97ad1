#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# halbd's observability, host test (root, no kernel module): the Prometheus
# endpoint (prometheus_listen / --metrics) and the JSON state dump on
# SIGUSR1.
#
#   +------------------------+   +------------------------+
#   | ns n1: halbd prio 150  |   | ns n2: halbd prio 100  |
#   | 192.0.2.1              |   | 192.0.2.2              |
#   | metrics 127.0.0.1:9650 |   | metrics [::1]:9650     |
#   |   (prometheus_listen)  |   |   (--metrics)          |
#   +---------eth0-----------+   +---------eth0-----------+
#             |                             |
#   +-------p-n1--------------------------p-n2-----------+
#   |                  br0 (ns br)                       |
#   +----------------------------------------------------+
#
#   VRRP VI_1 (VRID 51, 192.0.2.100) and VI"q\b (VRID 52, 192.0.2.101): a
#   name that needs escaping in a label value and in JSON.
#
# Every scrape is validated line by line (prom.py check).  Values are
# compared with the control socket and with what happens (a stopped master,
# a backup taking over).  Clients that send nothing, too much or garbage,
# and 100 at once, must neither stop the VRRP loop nor stall other scrapes.
#
# Output is KTAP; the last line is "N passed, N failed".  HALBD=path uses
# that binary (default: built here with ASan/UBSan unless NO_ASAN=1; the
# last case checks the logs for reports).  KEEP=1 keeps the logs directory.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
HALBD=${HALBD:-}
prefix=hob$$
dir=$(mktemp -d /tmp/halbd-observe.XXXXXX)
keep_dir=${KEEP:-}
declare -A node_addr=([n1]=1 [n2]=2 [n3]=3)

. "$here/lib.sh"

echo "KTAP version 1"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root for network namespaces"
	echo "0 passed, 0 failed"
	exit 4
fi
for tool in ip ss socat; do
	if ! command -v $tool > /dev/null; then
		echo "1..0 # SKIP $tool not installed"
		echo "0 passed, 0 failed"
		exit 4
	fi
done
if [ -z "$HALBD" ]; then
	HALBD=$dir/halbd
	if ! build_halbd "$HALBD" "$dir/build.log"; then
		sed 's/^/# /' "$dir/build.log"
		ktap_result 1 "build halbd"
		echo "1..1"
		echo "0 passed, 1 failed"
		rm -rf "$dir"
		exit 1
	fi
fi
trap cleanup EXIT
trap 'exit 1' INT TERM

prom() {	# prom NODE ARGS...: prom.py in the node's namespace
	local node=$1; shift
	ip netns exec "$(ns "$node")" "$PY" "$here/prom.py" "$@"
}

# conf FILE PRIO [GLOBAL_EXTRA]
conf() {
	cat > "$1" <<EOF
global_defs {
    router_id $(basename "$1" .conf)
${3:-}
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority $2
    advert_int 1
    virtual_ipaddress {
        192.0.2.100
    }
}
vrrp_instance "VI\\"q\\\\b" {
    interface eth0
    virtual_router_id 52
    priority $2
    advert_int 1
    virtual_ipaddress {
        192.0.2.101
    }
}
vrrp_sync_group G {
    group {
        VI_1
    }
}
virtual_server 192.0.2.100 80 {
    delay_loop 1
    lb_kind DR
    real_server 192.0.2.133 80 {
        TCP_CHECK {
            connect_timeout 1
        }
    }
}
EOF
}

listeners() {	# listeners NODE: TCP sockets listening in the namespace
	ip netns exec "$(ns "$1")" ss -Hltn | awk '{ print $4 }'
}

scrape() {	# scrape NODE HOST OUT: GET /metrics into OUT
	prom "$1" get-raw "$2" 9650 /metrics > "$3"
}

val() {	# val FILE NAME [L=V]...: one sample's value
	"$PY" "$here/prom.py" get "$@" 2> /dev/null
}

make_topology n1 n2 || { ktap_result 1 "topology"; exit 1; }
mkdir -p "$dir/dump"

# --- configuration ----------------------------------------------------------
conf "$dir/bad.conf" 100 "    prometheus_listen 2001:db8::1:9650"
out=$("$HALBD" -t -f "$dir/bad.conf" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 1 ] && grep -q "bad.conf:3: invalid value '2001:db8::1:9650' for 'prometheus_listen': an IPv6 address is written \[ADDR\]:PORT" <<< "$out"
ktap_result $? "prometheus_listen with a bare IPv6 address: file:line error, -t exits 1"
"$HALBD" -n -l -f "$dir/bad.conf" -p "$dir/bad.pid" --control "$dir/bad.sock" > /dev/null 2>&1
[ $? = 1 ] && [ ! -e "$dir/bad.pid" ]
ktap_result $? "halbd does not start with it"
conf "$dir/bad2.conf" 100 "    prometheus_listen 127.0.0.1:70000"
"$HALBD" -t -f "$dir/bad2.conf" 2>&1 | grep -q "bad2.conf:3: invalid value '127.0.0.1:70000' for 'prometheus_listen': port must be 1..65535"
ktap_result $? "prometheus_listen port 70000: file:line error"
out=$("$HALBD" -n -l -f "$dir/bad2.conf" --metrics localhost:9650 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc = 1 ] && grep -q "invalid --metrics 'localhost:9650': invalid IPv4 address" <<< "$out"
ktap_result $? "--metrics with a host name is refused, exit 1"

# --- off by default -----------------------------------------------------------
conf "$dir/n1.conf" 150 "    state_dump_file $dir/dump/n1.json"
conf "$dir/n2.conf" 100 "    prometheus_listen 127.0.0.1:9651"
start_halbd n1 "$dir/n1.conf"
busywait 8000 state_is n1 VI_1 MASTER
rc=$?
l=$(listeners n1)
[ $rc = 0 ] && [ -z "$l" ]
ktap_result $? "without prometheus_listen nothing listens (n1 MASTER, listeners: '${l//$'\n'/ }')"

# --- on: by reload (config) and by --metrics (command line) --------------------
conf "$dir/n1.conf" 150 "    state_dump_file $dir/dump/n1.json
    prometheus_listen 127.0.0.1:9650"
kill -HUP "$(halbd_pid n1)"
busywait 5000 eval '[ "$(listeners n1)" = 127.0.0.1:9650 ]'
ktap_result $? "SIGHUP adding prometheus_listen 127.0.0.1:9650 opens it"
start_halbd n2 "$dir/n2.conf" --metrics "[::1]:9650" --dump-file "$dir/dump/n2.json"
busywait 5000 eval '[ "$(listeners n2)" = "[::1]:9650" ]'
ktap_result $? "--metrics [::1]:9650 listens there and overrides prometheus_listen 127.0.0.1:9651"
busywait 8000 eval 'state_is n2 VI_1 BACKUP && state_is n1 VI_1 MASTER && [ "$(q n2 "i[\"VI_1\"][\"adverts_received\"]")" -ge 2 ]'
ktap_result $? "n1 MASTER, n2 BACKUP"

# --- a scrape -------------------------------------------------------------------
prom n1 request 127.0.0.1 9650 "$(printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n' | od -An -v -tx1 | tr -d ' \n')" > "$dir/head.txt"
sed 's/^/# /' "$dir/head.txt"
head -1 "$dir/head.txt" | grep -q '^HTTP/1.1 200 OK$' &&
	grep -qx 'Content-Type: text/plain; version=0.0.4' "$dir/head.txt" &&
	len=$(sed -n 's/^Content-Length: //p' "$dir/head.txt") &&
	grep -qx "body-bytes: $len" "$dir/head.txt"
ktap_result $? "GET /metrics: 200, Content-Type text/plain; version=0.0.4, Content-Length matches"
scrape n1 127.0.0.1 "$dir/n1.prom"
prom n1 check "$dir/n1.prom"
ktap_result $? "n1's scrape is well-formed text format (every line checked)"
scrape n2 ::1 "$dir/n2.prom"
prom n2 check "$dir/n2.prom"
ktap_result $? "n2's scrape over IPv6 is well-formed"
for f in halb_daemon_info halb_vrrp_state halb_vrrp_priority halb_vrrp_effective_priority \
	halb_vrrp_adverts_sent_total halb_vrrp_adverts_received_total \
	halb_vrrp_adverts_dropped_total halb_vrrp_sync_group_state halb_check_up \
	halb_check_duration_seconds halb_kernel_up; do
	grep -q "^# TYPE $f " "$dir/n1.prom" || { echo "# no family $f"; false; } || break
done
ktap_result $? "the VRRP, check and kernel families are announced with HELP and TYPE"

# --- values -----------------------------------------------------------------------
[ "$(val "$dir/n1.prom" halb_vrrp_state instance=VI_1 state=MASTER)" = 1 ] &&
	[ "$(val "$dir/n1.prom" halb_vrrp_state instance=VI_1 state=BACKUP)" = 0 ] &&
	[ "$(val "$dir/n2.prom" halb_vrrp_state instance=VI_1 state=BACKUP)" = 1 ] &&
	[ "$(val "$dir/n1.prom" halb_vrrp_sync_group_state group=G state=MASTER)" = 1 ]
ktap_result $? "state gauges: n1 VI_1 MASTER, n2 VI_1 BACKUP, n1 sync group G MASTER"
[ "$(val "$dir/n1.prom" halb_vrrp_priority instance=VI_1)" = 150 ] &&
	[ "$(val "$dir/n2.prom" halb_vrrp_effective_priority instance=VI_1)" = 100 ]
ktap_result $? "priority 150 (n1), effective priority 100 (n2)"
# a counter read just after the control socket's: equal or one advert later
c=$(q n2 "i['VI_1']['adverts_received']")
scrape n2 ::1 "$dir/n2b.prom"
m=$(val "$dir/n2b.prom" halb_vrrp_adverts_received_total instance=VI_1)
log "n2 adverts received: control socket $c, then metrics $m"
[ -n "$m" ] && [ "$m" -ge "$c" ] && [ "$m" -le $((c + 2)) ] && [ "$m" -gt 0 ]
ktap_result $? "adverts_received_total agrees with halbctl vrrp's counter ($c, $m)"
s1=$(val "$dir/n1.prom" halb_vrrp_adverts_sent_total instance=VI_1)
busywait 5000 eval 'scrape n1 127.0.0.1 "$dir/n1b.prom" && [ "$(val "$dir/n1b.prom" halb_vrrp_adverts_sent_total instance=VI_1)" -gt "$s1" ]'
ktap_result $? "adverts_sent_total grows between scrapes (was $s1)"
grep -q '^halb_vrrp_priority{instance="VI\\"q\\\\b"} 150$' "$dir/n1.prom" &&
	[ "$(val "$dir/n1.prom" halb_vrrp_priority 'instance=VI"q\b')" = 150 ]
ktap_result $? 'instance VI"q\b: label value escaped as VI\"q\\b and read back'
[ "$(val "$dir/n1.prom" halb_kernel_up)" = 0 ] && ! grep -qE '^halb_(service|real_server|kernel_info)' "$dir/n1.prom"
ktap_result $? "no halb.ko here: halb_kernel_up 0 and no kernel families"
[ "$(val "$dir/n2.prom" halb_vrrp_adverts_dropped_total instance=VI_1 reason=auth)" = 0 ] &&
	[ "$(grep -c '^halb_vrrp_adverts_dropped_total{instance="VI_1",' "$dir/n2.prom")" = 17 ]
ktap_result $? "drops by reason: 17 reasons per instance (13, and 4 for AH), as halbctl vrrp -j"
stop_halbd n1
busywait 8000 eval 'scrape n2 ::1 "$dir/n2c.prom" && [ "$(val "$dir/n2c.prom" halb_vrrp_state instance=VI_1 state=MASTER)" = 1 ]'
ktap_result $? "master n1 stopped: n2's state gauge says MASTER"
start_halbd n1 "$dir/n1.conf"
busywait 8000 eval 'scrape n1 127.0.0.1 "$dir/n1.prom" && [ "$(val "$dir/n1.prom" halb_vrrp_state instance=VI_1 state=MASTER)" = 1 ] && state_is n2 VI_1 BACKUP'
ktap_result $? "n1 restarted with prometheus_listen: MASTER again, in its gauge too"

# --- HTTP ------------------------------------------------------------------------------
req() {	# req PRINTF_FORMAT: send, print the status line
	prom n1 request 127.0.0.1 9650 "$(printf "$1" | od -An -v -tx1 | tr -d ' \n')" > "$dir/req.txt"
	head -1 "$dir/req.txt"
}
s=$(req 'GET /nope HTTP/1.1\r\n\r\n')
[ "$s" = "HTTP/1.1 404 Not Found" ]
ktap_result $? "GET /nope: $s"
s=$(req 'POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc')
[ "$s" = "HTTP/1.1 405 Method Not Allowed" ] && grep -qx 'Allow: GET, HEAD' "$dir/req.txt"
ktap_result $? "POST /metrics (with a body): $s, Allow: GET, HEAD"
s=$(req 'HEAD /metrics HTTP/1.0\r\n\r\n')
[ "$s" = "HTTP/1.1 200 OK" ] && grep -qx 'body-bytes: 0' "$dir/req.txt" &&
	[ "$(sed -n 's/^Content-Length: //p' "$dir/req.txt")" -gt 1000 ]
ktap_result $? "HEAD /metrics: 200, Content-Length, no body"
s=$(req 'GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n')
[ "$s" = "HTTP/1.1 200 OK" ]
ktap_result $? "GET /metrics?query with headers: $s"
s=$(req 'hello\r\n\r\n')
[ "$s" = "HTTP/1.1 400 Bad Request" ]
ktap_result $? "garbage: $s"
s=$(req "GET /metrics HTTP/1.1\r\nX: $(head -c 6000 /dev/zero | tr '\0' a)\r\n\r\n")
[ "$s" = "HTTP/1.1 431 Request Header Fields Too Large" ]
ktap_result $? "6 kB of headers: $s (answer read in full: lingering close)"

# --- slow, idle and many clients --------------------------------------------------------
out=$(prom n1 idle 127.0.0.1 9650 1)
log "$out"
eval "$(tr ' ' '\n' <<< "$out" | grep -E '^[a-z_]+=[0-9]+$')"
[ "${status:-}" = 200 ] && [ "${scrape_ms:-99999}" -lt 3000 ] &&
	[ "${idle_closed_ms:-0}" -ge 3000 ] && [ "${idle_closed_ms:-99999}" -le 15000 ]
ktap_result $? "a connection that sends nothing: another scrape answered in $scrape_ms ms; idle one closed after $idle_closed_ms ms (time-out 5 s)"
tx0=$(q n1 "i['VI_1']['adverts_sent']")
out=$(prom n1 idle 127.0.0.1 9650 20)
log "$out"
eval "$(tr ' ' '\n' <<< "$out" | grep -E '^[a-z_]+=[0-9]+$')"
tx1=$(q n1 "i['VI_1']['adverts_sent']")
log "n1 adverts sent meanwhile: $((tx1 - tx0))"
[ "${status:-}" = 200 ] && [ "${scrape_ms:-0}" -ge 3000 ] && [ "${scrape_ms:-99999}" -le 15000 ] &&
	[ $((tx1 - tx0)) -ge 3 ] && state_is n2 VI_1 BACKUP
ktap_result $? "20 idle connections (cap 16): a scrape waits for a slot ($scrape_ms ms), VRRP runs on ($((tx1 - tx0)) adverts), no failover"
out=$(prom n1 many 127.0.0.1 9650 100)
rc=$?
log "$out"
[ $rc = 0 ]
ktap_result $? "100 concurrent scrapes: all answered 200 in full"
prom n1 get-raw 127.0.0.1 9650 /metrics > "$dir/n1d.prom" && prom n1 check "$dir/n1d.prom" > /dev/null &&
	state_is n1 VI_1 MASTER && state_is n2 VI_1 BACKUP
ktap_result $? "afterwards: scrapes and VRRP as before"

# --- bind failure ----------------------------------------------------------------------
printf 'global_defs {\n    prometheus_listen 127.0.0.1:9650\n}\n' > "$dir/busy.conf"
ip netns exec "$(ns n1)" "$HALBD" -n -l -f "$dir/busy.conf" -p "$dir/busy.pid" \
	--control "$dir/busy.sock" > "$dir/busy.log" 2>&1 &
busy=$!
pids+=("$busy")
busywait 5000 eval '! kill -0 $busy 2> /dev/null'
wait "$busy"
rc=$?
sed 's/^/# /' "$dir/busy.log"
[ $rc = 1 ] && grep -q "busy.conf:2: prometheus_listen 127.0.0.1:9650: cannot listen: Address already in use" "$dir/busy.log" &&
	[ ! -e "$dir/busy.pid" ]
ktap_result $? "address in use: file:line error, exit status 1"

# --- reload moves and ends it ------------------------------------------------------------
conf "$dir/n1.conf" 150 "    state_dump_file $dir/dump/n1.json
    prometheus_listen [::1]:9652"
kill -HUP "$(halbd_pid n1)"
busywait 5000 eval '[ "$(listeners n1)" = "[::1]:9652" ]'
ktap_result $? "SIGHUP with another prometheus_listen: moves to [::1]:9652"
conf "$dir/n1.conf" 150 "    state_dump_file $dir/dump/n1.json"
kill -HUP "$(halbd_pid n1)"
busywait 5000 eval '[ -z "$(listeners n1)" ]'
ktap_result $? "SIGHUP without prometheus_listen: off again"

# --- SIGUSR1 state dump --------------------------------------------------------------------
echo "do not touch" > "$dir/victim"
ln -s "$dir/victim" "$dir/dump/n1.json"
kill -USR1 "$(halbd_pid n1)"
busywait 5000 eval '[ -f "$dir/dump/n1.json" ] && [ ! -L "$dir/dump/n1.json" ]'
rc=$?
[ $rc = 0 ] && [ "$(cat "$dir/victim")" = "do not touch" ]
ktap_result $? "a symlink planted at the dump path is replaced, not followed; its target is untouched"
mode=$(stat -c %a "$dir/dump/n1.json")
[ "$mode" = 600 ] && [ "$(stat -c %u "$dir/dump/n1.json")" = 0 ]
ktap_result $? "dump mode $mode, owned by root"
"$PY" -m json.tool "$dir/dump/n1.json" > /dev/null
ktap_result $? "dump is valid JSON (python3 -m json.tool)"
"$PY" - "$dir/dump/n1.json" "$(halbd_pid n1)" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
i = {x['name']: x for x in d['instances']}
assert d['halbd']['pid'] == int(sys.argv[2]), d['halbd']
assert d['halbd']['version'] and d['halbd']['uptime_s'] > 0, d['halbd']
assert i['VI_1']['state'] == 'MASTER' and i['VI_1']['priority'] == 150, i['VI_1']
assert i['VI_1']['master'] == '192.0.2.1' and i['VI_1']['vips'] == ['192.0.2.100'], i['VI_1']
assert i['VI_1']['adverts_sent'] > 0 and 'auth' in i['VI_1']['drops'], i['VI_1']
assert 'VI"q\\b' in i, list(i)
assert d['sync_groups'] == [{'name': 'G', 'state': 'MASTER', 'members': ['VI_1']}], d['sync_groups']
vs = d['virtual_servers'][0]
assert vs['name'] == '192.0.2.100:80' and vs['forwarding'] == 'dr', vs
assert vs['real_servers'][0]['address'] == '192.0.2.133' and vs['real_servers'][0]['port'] == 80, vs
EOF
ktap_result $? "dump content: pid, instances with state, master, VIPs and counters, sync group, virtual servers"
ls -A "$dir/dump" | sed 's/^/# dump dir: /'
[ "$(ls -A "$dir/dump")" = n1.json ]
ktap_result $? "no temporary file left next to the dump"
t1=$("$PY" -c "import json, sys; print(json.load(open(sys.argv[1]))['halbd']['uptime_s'])" "$dir/dump/n1.json")
sleep 0.2
kill -USR1 "$(halbd_pid n1)"
busywait 5000 eval '[ "$("$PY" -c "import json, sys; print(json.load(open(sys.argv[1]))[\"halbd\"][\"uptime_s\"])" "$dir/dump/n1.json" 2> /dev/null)" != "$t1" ]'
ktap_result $? "a second SIGUSR1 replaces the dump"
kill -USR1 "$(halbd_pid n2)"
busywait 5000 eval '[ -f "$dir/dump/n2.json" ] && "$PY" -m json.tool "$dir/dump/n2.json" > /dev/null'
ktap_result $? "--dump-file: n2 dumps to its own path"
stop_halbd n1
stop_halbd n2
grep -c "state dumped to" "$dir/n1.log" | sed 's/^/# n1 dumps logged: /'

if grep -l "Sanitizer\|runtime error:" "$dir"/n*.log "$dir/busy.log" > /dev/null 2>&1; then
	grep -h -A15 "Sanitizer\|runtime error:" "$dir"/n*.log "$dir/busy.log" | head -60 | sed 's/^/# /'
	ktap_result 1 "no sanitizer report in any halbd log"
else
	ktap_result 0 "no sanitizer report in any halbd log"
fi

echo "1..$n_tests"
echo "$((n_tests - n_fail)) passed, $n_fail failed"
[ "$n_fail" = 0 ]
