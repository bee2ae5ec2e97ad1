#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# halbd health checks against real servers, host test (root).  checkdrv
# runs the engine (userspace/halbd/check_*.c) in ns C; the servers live in
# ns S; each is killed (or made to answer wrongly) and revived, and the
# state change must come no later than the timers allow, and no earlier
# than the retries allow.
#
#   +------------------------+          +------------------------------+
#   | ns hck<pid>c           |          | ns hck<pid>s                 |
#   | checkdrv               |   veth   | 192.0.2.2 2001:db8::2        |
#   | 192.0.2.1 2001:db8::1  +----------+ 192.0.2.3 2001:db8::3 (ping) |
#   +------------------------+          | tcp :8001 (v4+v6)  httpd :80 |
#                                       | s_server :443  udp echo :7   |
#   +------------------------+          | dns :53                      |
#   | ns hck<pid>l: 2000 TCP |          +------------------------------+
#   | checks on 127.0.0.0/8  |          MISC scripts run in ns C
#   +------------------------+
#
# Every checker: delay_loop 1, connect_timeout 1, retry 2,
# delay_before_retry 1.  So a dead server is declared down after 3 failed
# probes: between 2 s (the retries) and delay_loop + (connect_timeout +
# delay_before_retry) * (retry + 1) = 7 s after it died.
#
# Output is KTAP; the last line is "N passed, N failed".  KEEP=1 keeps the
# logs directory.  LOAD_CHECKS=N sets the size of the load case (2000).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
prefix=hck$$
C=${prefix}c S=${prefix}s L=${prefix}l
dir=$(mktemp -d /tmp/halbd-checks.XXXXXX)
load_checks=${LOAD_CHECKS:-2000}
DL=1000 CT=1000 RETRY=2 DBR=1000
DOWN_MAX=$((DL + (CT + DBR) * (RETRY + 1) + 500))
DOWN_MIN=$((RETRY * DBR - 100))
UP_MAX=$((DL + CT + 1000))

n=0 failed=0
declare -A pids=()
drv_pid=

ktap() {	# ktap OK NAME [directive]
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2${3:+ # $3}"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}

now_ms() { date +%s%3N; }

busywait() {	# busywait TIMEOUT_MS CMD...: poll CMD until it succeeds
	local deadline=$(($(now_ms) + $1))
	shift
	until "$@"; do
		[ "$(now_ms)" -ge "$deadline" ] && return 1
		sleep 0.05
	done
}

cleanup() {
	[ -n "$drv_pid" ] && kill "$drv_pid" 2> /dev/null
	for p in "${pids[@]}"; do kill "$p" 2> /dev/null; done
	for ns in $C $S $L; do ip netns del "$ns" 2> /dev/null; done
	if [ -n "${KEEP:-}" ]; then echo "# logs kept in $dir"; else rm -rf "$dir"; fi
}

echo "KTAP version 1"
if [ "$(id -u)" != 0 ]; then
	echo "1..0 # SKIP needs root for network namespaces"
	echo "0 passed, 0 failed"
	exit 4
fi
for tool in python3 openssl busybox ip ss; do
	if ! command -v $tool > /dev/null; then
		echo "1..0 # SKIP $tool not installed"
		echo "0 passed, 0 failed"
		exit 4
	fi
done
trap cleanup EXIT
trap 'exit 1' INT TERM

# ---- build: checkdrv with ASan/UBSan for behaviour, plain -O2 for the load figures ----
srcs="$top/selftests/halbd/checkdrv.c"
for f in cfg_pp cfg_pp_subst cfg_pp_block cfg_lex cfg_parse cfg_vrrp cfg_vs cfg_model proc http_resp; do
	srcs="$srcs $top/userspace/halbd/$f.c"
done
srcs="$srcs $(ls "$top"/userspace/halbd/check_*.c | tr '\n' ' ') $top/userspace/common/log.c $top/userspace/common/keyidx.c $top/userspace/common/sbuf.c"
cflags="-g -Wall -Wextra -Werror -std=gnu11 -D_GNU_SOURCE -I$top/userspace -I$top/include"
# shellcheck disable=SC2086
if ! cc -O1 $cflags -fsanitize=address,undefined -fno-omit-frame-pointer -o "$dir/checkdrv" \
	$srcs -lssl -lcrypto > "$dir/build.log" 2>&1 ||
   ! cc -O2 $cflags -o "$dir/checkdrv-fast" $srcs -lssl -lcrypto >> "$dir/build.log" 2>&1; then
	sed 's/^/# /' "$dir/build.log"
	ktap 1 "build checkdrv"
	echo "1..$n"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- servers ----
cat > "$dir/srv.py" << 'EOF'
# tcp ADDR PORT: accept and close; udp ADDR PORT: echo; dns ADDR PORT: tiny DNS
import socket, struct, sys
mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
fam = socket.AF_INET6 if ':' in addr else socket.AF_INET
if mode == 'tcp':
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind((addr, port)); s.listen(4096)
    while True:
        c, _ = s.accept(); c.close()
s = socket.socket(fam, socket.SOCK_DGRAM)
s.bind((addr, port))
while True:
    q, peer = s.recvfrom(4096)
    if mode == 'udp':
        s.sendto(q, peer); continue
    # DNS: an A record for www.example.test, NXDOMAIN for anything else
    i, labels = 12, []
    while i < len(q) and q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode().lower()); i += 1 + q[i]
    qtype = struct.unpack('>H', q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    ok = '.'.join(labels) == 'www.example.test' and qtype == 1
    hdr = q[:2] + struct.pack('>HHHHH', 0x8180 if ok else 0x8183, 1, 1 if ok else 0, 0, 0)
    ans = struct.pack('>HHHIH', 0xc00c, 1, 1, 60, 4) + socket.inet_aton('192.0.2.2') if ok else b''
    s.sendto(hdr + question + ans, peer)
EOF

listening() {	# listening tcp|udp PORT
	ip netns exec $S ss -Hln --"$1" "sport = :$2" | grep -q .
}

start() {	# start NAME: start a server in S and wait until it listens
	local proto port
	case $1 in
	tcp) proto=tcp port=8001
	     ip netns exec $S python3 "$dir/srv.py" tcp :: 8001 > /dev/null 2>&1 & ;;
	http) proto=tcp port=80
	      ip netns exec $S busybox httpd -f -p 192.0.2.2:80 -h "$dir/www" > /dev/null 2>&1 & ;;
	http2) proto=tcp port=8080
	       ip netns exec $S busybox httpd -f -p 192.0.2.2:8080 -h "$dir/www" > /dev/null 2>&1 & ;;
	ssl) proto=tcp port=443
	     (cd "$dir/www" && exec ip netns exec $S openssl s_server -quiet -WWW -accept 443 \
		-cert "$dir/cert.pem" -key "$dir/key.pem" > /dev/null 2>&1) & ;;
	udp) proto=udp port=7
	     ip netns exec $S python3 "$dir/srv.py" udp 192.0.2.2 7 > /dev/null 2>&1 & ;;
	dns) proto=udp port=53
	     ip netns exec $S python3 "$dir/srv.py" dns 192.0.2.2 53 > /dev/null 2>&1 & ;;
	esac
	pids[$1]=$!
	busywait 5000 listening $proto $port
}

stop() {	# stop NAME
	kill "${pids[$1]}" 2> /dev/null
	wait "${pids[$1]}" 2> /dev/null
	unset "pids[$1]"
}

ip netns add $C && ip netns add $S &&
ip link add c0 netns $C type veth peer name s0 netns $S &&
ip -n $C link set lo up && ip -n $S link set lo up &&
ip -n $C addr add 192.0.2.1/24 dev c0 && ip -n $C addr add 2001:db8::1/64 dev c0 nodad &&
ip -n $S addr add 192.0.2.2/24 dev s0 && ip -n $S addr add 2001:db8::2/64 dev s0 nodad &&
ip -n $S addr add 192.0.2.3/24 dev s0 && ip -n $S addr add 2001:db8::3/64 dev s0 nodad &&
ip -n $C link set c0 up && ip -n $S link set s0 up
ktap $? "namespaces $C and $S"

mkdir -p "$dir/www"
echo "halb health page" > "$dir/www/health"
digest=$(md5sum < "$dir/www/health" | cut -c1-32)
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=checks.test -days 1 \
	-keyout "$dir/key.pem" -out "$dir/cert.pem" > /dev/null 2>&1
# MISC: up while the flag file exists; fails once when "failonce" exists
cat > "$dir/misc.sh" << EOF
#!/bin/sh
[ -e "$dir/failonce" ] && rm -f "$dir/failonce" && exit 1
[ -e "$dir/misc.ok" ]
EOF
cat > "$dir/dyn.sh" << EOF
#!/bin/sh
exit \$(cat "$dir/dyn.code")
EOF
chmod 755 "$dir/misc.sh" "$dir/dyn.sh"
touch "$dir/misc.ok"
echo 12 > "$dir/dyn.code"

ok=0
for s in tcp http http2 ssl udp dns; do start $s || { echo "# $s did not start"; ok=1; }; done
ktap $ok "servers started"

rs() {	# rs ADDR PORT LABEL [noalpha]: a real_server header with the common timers
	echo "real_server $1 $2 $3 {"
	[ "${4:-}" = noalpha ] || echo "  alpha"
	echo "  warmup 0"
	echo "  delay_loop $((DL / 1000))"
	echo "  connect_timeout $((CT / 1000))"
	echo "  retry $RETRY"
	echo "  delay_before_retry $((DBR / 1000))"
}

{
	rs 192.0.2.2 8001 tcp4; echo "  TCP_CHECK { bindto 192.0.2.1 }"; echo "}"
	rs 2001:db8::2 8001 tcp6; echo "  TCP_CHECK { }"; echo "}"
	rs 192.0.2.2 80 http; echo "  HTTP_GET {"; echo "    url {"; echo "      path /health"
	echo "      digest $digest"; echo "      status_code 200"; echo "    }"; echo "  }"; echo "}"
	rs 192.0.2.2 8080 http404; echo "  HTTP_GET {"; echo "    url {"; echo "      path /nothing"
	echo "      status_code 404"; echo "    }"; echo "    http_protocol 1.1"; echo "  }"; echo "}"
	rs 192.0.2.2 443 ssl; echo "  virtualhost checks.test"; echo "  SSL_GET {"; echo "    url {"
	echo "      path /health"; echo "      digest $digest"; echo "    }"; echo "    enable_sni"
	echo "  }"; echo "}"
	rs 192.0.2.2 7 udp; echo "  UDP_CHECK {"; echo "    payload 68616c6264"
	echo "    require_reply 68616c62xx"; echo "  }"; echo "}"
	rs 192.0.2.3 0 ping4; echo "  PING_CHECK { }"; echo "}"
	rs 2001:db8::3 0 ping6; echo "  PING_CHECK { }"; echo "}"
	rs 192.0.2.2 53 dns; echo "  DNS_CHECK {"; echo "    type A"; echo "    name www.example.test"
	echo "  }"; echo "}"
	rs 192.0.2.2 53 nxdomain noalpha; echo "  DNS_CHECK {"; echo "    type A"
	echo "    name nope.example.test"; echo "  }"; echo "}"
	rs 192.0.2.2 0 misc; echo "  MISC_CHECK {"; echo "    misc_path $dir/misc.sh"
	echo "    misc_timeout 2"; echo "  }"; echo "}"
	rs 192.0.2.2 0 dyn; echo "  MISC_CHECK {"; echo "    misc_path $dir/dyn.sh"
	echo "    misc_dynamic"; echo "  }"; echo "}"
	rs 192.0.2.2 8080 shareA; echo "  TCP_CHECK { }"; echo "}"
	rs 192.0.2.2 8080 shareB; echo "  TCP_CHECK { }"; echo "}"
} > "$dir/checks.conf"

ev=$dir/events.log err=$dir/checkdrv.err
ip netns exec $C "$dir/checkdrv" -v "$dir/checks.conf" > "$ev" 2> "$err" &
drv_pid=$!
busywait 5000 grep -q '^START' "$ev"
start_ms=$(awk '/^START/ { print $2; exit }' "$ev")
ktap $? "checkdrv running"

has_event() {	# has_event FROM_LINE PATTERN
	tail -n +"$1" "$ev" | grep -Eq "$2"
}

event_t() {	# event_t FROM_LINE PATTERN: T of the first match
	tail -n +"$1" "$ev" | grep -E "$2" | head -1 | sed 's/^T=\([0-9]*\) .*/\1/'
}

# All alpha checkers start down and come up at their first success.
for l in tcp4 tcp6 http http404 ssl udp ping4 ping6 dns misc dyn shareA shareB; do
	busywait 10000 has_event 1 "^T=[0-9]+ $l [A-Z_]+ UP "
	ktap $? "$l: up after its first success"
done
busywait 10000 has_event 1 "^T=[0-9]+ nxdomain DNS_CHECK DOWN DNS NXDOMAIN$"
ktap $? "nxdomain: starts up, down with 'DNS NXDOMAIN' after the retries"
busywait 5000 has_event 1 "^T=[0-9]+ dyn MISC_CHECK WEIGHT 10$"
ktap $? "dyn: exit 12 gives weight 10"

# cycle LABEL LOGTARGET WHY_REGEX BREAK_CMD FIX_CMD
# Break the server, expect DOWN with WHY in [DOWN_MIN, DOWN_MAX] ms after,
# after exactly RETRY logged retries; fix it, expect UP within UP_MAX ms.
cycle() {
	local label=$1 target=$2 why=$3 brk=$4 fix=$5
	local from t_brk t_down t_fix t_up retries rc=0 name="$label: ${6:-killed and revived}"

	from=$(($(wc -l < "$ev") + 1))
	local efrom=$(($(wc -l < "$err") + 1))
	t_brk=$(($(now_ms) - start_ms))
	eval "$brk"
	if ! busywait $((DOWN_MAX + 2000)) has_event "$from" "^T=[0-9]+ $label [A-Z_]+ DOWN "; then
		echo "# $label: no DOWN event"
		ktap 1 "$name"
		eval "$fix"
		return
	fi
	t_down=$(event_t "$from" "^T=[0-9]+ $label [A-Z_]+ DOWN ")
	retries=$(tail -n +"$efrom" "$err" | grep -c " $target failed (.*), retry ")	# KIND TARGET
	echo "# $label: down $((t_down - t_brk)) ms after the break, $retries retries:" \
		"$(tail -n +"$from" "$ev" | grep -E "^T=[0-9]+ $label [A-Z_]+ DOWN " | head -1 | cut -d' ' -f4-)"
	if ! has_event "$from" "^T=[0-9]+ $label [A-Z_]+ DOWN $why"; then
		echo "# $label: reason does not match '$why'"
		rc=1
	fi
	if [ $((t_down - t_brk)) -gt "$DOWN_MAX" ] || [ $((t_down - t_brk)) -lt "$DOWN_MIN" ]; then
		echo "# $label: expected down within [$DOWN_MIN, $DOWN_MAX] ms"
		rc=1
	fi
	if [ "$retries" != "$RETRY" ]; then
		echo "# $label: expected $RETRY retries before down"
		rc=1
	fi
	from=$(($(wc -l < "$ev") + 1))
	eval "$fix"
	t_fix=$(($(now_ms) - start_ms))
	if busywait $((UP_MAX + 2000)) has_event "$from" "^T=[0-9]+ $label [A-Z_]+ UP "; then
		t_up=$(event_t "$from" "^T=[0-9]+ $label [A-Z_]+ UP ")
		echo "# $label: up $((t_up - t_fix)) ms after the fix"
		[ $((t_up - t_fix)) -gt "$UP_MAX" ] && { echo "# $label: expected up within $UP_MAX ms"; rc=1; }
	else
		echo "# $label: no UP event after the fix"
		rc=1
	fi
	ktap $rc "$name"
}

cycle tcp4 "TCP_CHECK 192.0.2.2:8001" "connect: Connection refused" "stop tcp" "start tcp"
cycle tcp6 "TCP_CHECK \[2001:db8::2\]:8001" "connect: Connection refused" "stop tcp" "start tcp"
cycle http "HTTP_GET 192.0.2.2:80" "HTTP status 404" "mv $dir/www/health $dir/health.off" \
	"mv $dir/health.off $dir/www/health" "page removed (404) and restored"
cycle http "HTTP_GET 192.0.2.2:80" "digest mismatch on /health" "echo changed > $dir/www/health.new; \
	mv $dir/www/health $dir/health.off; mv $dir/www/health.new $dir/www/health" \
	"mv $dir/health.off $dir/www/health" "page changed (digest) and restored"
cycle http "HTTP_GET 192.0.2.2:80" "connect: Connection refused" "stop http" "start http"
cycle ssl "SSL_GET 192.0.2.2:443" "connect: Connection refused" "stop ssl" "start ssl"
cycle udp "UDP_CHECK 192.0.2.2:7" "port unreachable" "stop udp" "start udp"
cycle ping4 "PING_CHECK 192.0.2.3" "no echo reply" "ip -n $S addr del 192.0.2.3/24 dev s0" \
	"ip -n $S addr add 192.0.2.3/24 dev s0" "address removed and restored"
cycle ping6 "PING_CHECK 2001:db8::3" "no echo reply" "ip -n $S addr del 2001:db8::3/64 dev s0" \
	"ip -n $S addr add 2001:db8::3/64 dev s0 nodad" "address removed and restored"
cycle dns "DNS_CHECK 192.0.2.2:53" "port unreachable" "stop dns" "start dns"
cycle misc "MISC_CHECK 192.0.2.2" "exit 1" "rm $dir/misc.ok" "touch $dir/misc.ok" "flag removed and restored"
cycle dyn "MISC_CHECK 192.0.2.2" "exit 1" "echo 1 > $dir/dyn.code" "echo 30 > $dir/dyn.code" \
	"exit 1, then exit 30"
busywait 3000 has_event 1 "^T=[0-9]+ dyn MISC_CHECK WEIGHT 28$"
ktap $? "dyn: exit 30 gives weight 28"

json() {	# json LABEL: the check's state, fresh from SIGUSR1
	local from=$(($(wc -l < "$ev") + 1))
	kill -USR1 "$drv_pid"
	busywait 2000 has_event "$from" "^JSON $1 " && tail -n +"$from" "$ev" | grep "^JSON $1 " | head -1
}

# One failure fewer than the retries allow must not bring it down.
from=$(($(wc -l < "$ev") + 1))
efrom=$(($(wc -l < "$err") + 1))
touch "$dir/failonce"
busywait 5000 eval 'tail -n +$efrom "$err" | grep -q "MISC_CHECK 192.0.2.2 failed (exit 1), retry 1 of 2"'
rc=$?
busywait 5000 eval 'json misc | grep -q "\"why\":\"exit 0\",\"age_ms\":[0-9]*,\"fails\":0"' || rc=1
has_event "$from" "^T=[0-9]+ misc " && { echo "# misc: state changed on one failure"; rc=1; }
ktap $rc "misc: a single failure is retried, no state change"

j=$(json shareA)
echo "# $j"
echo "$j" | grep -q '"shared":2' && json shareB | grep -q '"shared":2'
ktap $? "shareA and shareB: one probe for the same checker and target"
echo "$j" | grep -Eq '^JSON shareA \{"kind":"TCP_CHECK","target":"192.0.2.2:8080","up":true,"last_ms":[0-9]+,"why":"connected","age_ms":[0-9]+,"fails":0,"shared":2\}$'
ktap $? "state JSON"

kill "$drv_pid"
wait "$drv_pid"
rc=$?
drv_pid=
if grep -q "ERROR: AddressSanitizer\|runtime error\|LeakSanitizer" "$err"; then
	grep -A20 "ERROR: AddressSanitizer\|runtime error\|LeakSanitizer" "$err" | head -40 | sed 's/^/# /'
	rc=1
fi
ktap $rc "checkdrv exits cleanly, no sanitizer reports"

# ---- load: LOAD_CHECKS TCP checks at once, all to loopback listeners ----
ip netns add $L && ip -n $L link set lo up
ip netns exec $L python3 "$dir/srv.py" tcp 0.0.0.0 9000 > /dev/null 2>&1 &
pids[load]=$!
busywait 5000 eval "ip netns exec $L ss -Hltn 'sport = :9000' | grep -q ."
for ((i = 0; i < load_checks; i++)); do
	echo "real_server 127.0.$((i / 250 + 1)).$((i % 250 + 1)) 9000 l$i {"
	echo "  alpha"
	echo "  warmup 0"
	echo "  delay_loop 1"
	echo "  TCP_CHECK { connect_timeout 3 }"
	echo "}"
done > "$dir/load.conf"
ip netns exec $L "$dir/checkdrv-fast" -q -s -t 5 "$dir/load.conf" > "$dir/load.out" 2> "$dir/load.err"
sum=$(grep '^SUMMARY' "$dir/load.out")
echo "# $sum"
# shellcheck disable=SC2086
eval "$(echo "$sum" | cut -d' ' -f2- | tr ' ' '\n' | sed 's/^/ld_/')"
rc=1
if [ "${ld_checks:-0}" = "$load_checks" ] && [ "${ld_up:-0}" = "$load_checks" ] &&
   [ "${ld_all_up_ms:--1}" -ge 0 ] && [ "$ld_all_up_ms" -lt 3000 ]; then
	rc=0
fi
echo "# $load_checks checks over 5 s (~$((load_checks * 5)) probes):" \
	"all up after ${ld_all_up_ms:-?} ms, CPU ${ld_cpu_user_ms:-?} ms user + ${ld_cpu_sys_ms:-?} ms sys," \
	"probe p50 ${ld_probe_p50_ms:-?} ms p99 ${ld_probe_p99_ms:-?} ms"
ktap $rc "$load_checks TCP checks at once: all up within 3 s"

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]
