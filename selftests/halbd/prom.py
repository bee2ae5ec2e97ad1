# SPDX-License-Identifier: GPL-2.0
"""Client side of the metrics endpoint tests (observe.sh).

  prom.py check FILE                 validate a Prometheus text exposition
  prom.py get FILE NAME [L=V ...]    value of the one series NAME{L="V",...}
  prom.py get-raw HOST PORT PATH     GET PATH, print the body (exit 1 unless 200)
  prom.py request HOST PORT HEXDATA  send bytes, print status line and headers
  prom.py idle HOST PORT N           N idle connections, then a scrape; timings
  prom.py many HOST PORT N           N scrapes at once on N connections

The checker is strict about what the text format 0.0.4 says: HELP and TYPE
at most once per family and before its samples, a family's samples
together, metric and label names from their character sets, label values
with only the \\\\, \\" and \\n escapes, a float value, no duplicate series,
histogram buckets cumulative and ending in le="+Inf" equal to _count.
"""
import re
import selectors
import socket
import sys
import time

NAME = r'[a-zA-Z_:][a-zA-Z0-9_:]*'
LNAME = r'[a-zA-Z_][a-zA-Z0-9_]*'
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABELS = r'\{(?:%s=%s(?:,%s=%s)*,?)?\}' % (LNAME, LVALUE, LNAME, LVALUE)
FLOAT = r'[-+]?(?:[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9]+(?:[eE][-+]?[0-9]+)?|Inf|NaN)'
SAMPLE = re.compile(r'^(%s)(%s)? (%s)(?: -?[0-9]+)?$' % (NAME, LABELS, FLOAT))
HELP = re.compile(r'^# HELP (%s) ((?:[^\\\n]|\\[\\n])*)$' % NAME)
TYPE = re.compile(r'^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$' % NAME)
PAIR = re.compile(r'(%s)=(%s)' % (LNAME, LVALUE))


def unescape(v):
    return re.sub(r'\\(.)', lambda m: {'n': '\n'}.get(m.group(1), m.group(1)), v[1:-1])


def parse(text):
    """Validate; return (errors, {(name, frozenset(labels)): value})."""
    errs, series, types, helps = [], {}, {}, set()
    done, sampled, current = set(), set(), None
    if text and not text.endswith('\n'):
        errs.append('does not end with a newline')
    hist = {}
    for no, line in enumerate(text.split('\n')[:-1], 1):
        def bad(why):
            errs.append('line %d: %s: %r' % (no, why, line))
        if line.startswith('#'):
            m = HELP.match(line) or TYPE.match(line)
            if not m:
                if line.startswith('# HELP') or line.startswith('# TYPE'):
                    bad('malformed HELP/TYPE')
                continue
            fam = m.group(1)
            if fam in sampled:
                bad('HELP/TYPE of %s after its samples' % fam)
            if line.startswith('# TYPE'):
                if fam in types:
                    bad('second TYPE for %s' % fam)
                types[fam] = m.group(2)
            else:
                if fam in helps:
                    bad('second HELP for %s' % fam)
                helps.add(fam)
            if current != fam:
                if fam in done:
                    bad('family %s is not together' % fam)
                if current:
                    done.add(current)
                current = fam
            continue
        if not line.strip():
            bad('empty line')
            continue
        m = SAMPLE.match(line)
        if not m:
            bad('not a sample line')
            continue
        name, lab, val = m.group(1), m.group(2) or '{}', m.group(3)
        pairs = PAIR.findall(lab)
        labels = {k: unescape(v) for k, v in pairs}
        if len(labels) != len(pairs):
            bad('a label given twice')
        fam = name
        for suf in ('_bucket', '_sum', '_count'):
            base = name[:-len(suf)] if name.endswith(suf) else None
            if base and types.get(base) in ('histogram', 'summary'):
                fam = base
        if types.get(fam) == 'histogram' and fam == name:
            bad('histogram sample without _bucket/_sum/_count')
        if fam != current:
            if fam in done:
                bad('samples of %s are not together' % fam)
            if current:
                done.add(current)
            current = fam
        sampled.add(fam)
        key = (name, frozenset(labels.items()))
        if key in series:
            bad('duplicate series')
        v = float(val.replace('Inf', 'inf').replace('NaN', 'nan'))
        series[key] = v
        if types.get(fam) == 'counter' and not v >= 0:
            bad('negative counter')
        if name.endswith('_bucket') and types.get(fam) == 'histogram':
            if 'le' not in labels:
                bad('bucket without le')
                continue
            rest = frozenset((k, x) for k, x in labels.items() if k != 'le')
            h = hist.setdefault((fam, rest), [])
            h.append((float(labels['le'].replace('+Inf', 'inf')), v))
    for (fam, rest), b in hist.items():
        les = [x[0] for x in b]
        cnt = [x[1] for x in b]
        if les != sorted(les) or les[-1] != float('inf'):
            errs.append('%s%s: buckets not ascending or no +Inf' % (fam, dict(rest)))
        if cnt != sorted(cnt):
            errs.append('%s%s: buckets not cumulative' % (fam, dict(rest)))
        c = series.get((fam + '_count', rest))
        if c is None or c != cnt[-1] or (fam + '_sum', rest) not in series:
            errs.append('%s%s: _count/_sum missing or +Inf bucket != _count' % (fam, dict(rest)))
    return errs, series


def get(series, name, want):
    hits = [v for (n, ls), v in series.items() if n == name and want <= ls]
    return hits


def connect(host, port):
    fam = socket.AF_INET6 if ':' in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(30)
    s.connect((host, int(port)))
    return s


def exchange(host, port, data):
    s = connect(host, port)
    s.sendall(data)
    out = b''
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    return out


def split(resp):
    head, _, body = resp.partition(b'\r\n\r\n')
    return head.decode('latin-1'), body


def scrape(host, port, path='/metrics'):
    head, body = split(exchange(host, port, ('GET %s HTTP/1.1\r\nHost: x\r\n\r\n' % path).encode()))
    return head, body


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == 'check':
        errs, series = parse(open(args[0], encoding='utf-8').read())
        for e in errs[:20]:
            print('#', e)
        print('# %d series, %d errors' % (len(series), len(errs)))
        return 1 if errs or not series else 0
    if cmd == 'get':
        _, series = parse(open(args[0], encoding='utf-8').read())
        want = frozenset(tuple(a.split('=', 1)) for a in args[2:])
        hits = get(series, args[1], want)
        if len(hits) != 1:
            print('# %d series match' % len(hits), file=sys.stderr)
            return 1
        v = hits[0]
        print(int(v) if v == int(v) else v)
        return 0
    if cmd == 'get-raw':
        head, body = scrape(args[0], args[1], args[2])
        sys.stdout.write(body.decode('utf-8'))
        return 0 if head.startswith('HTTP/1.1 200 ') else 1
    if cmd == 'request':
        head, body = split(exchange(args[0], args[1], bytes.fromhex(args[2])))
        print(head.replace('\r\n', '\n'))
        print('body-bytes: %d' % len(body))
        return 0
    if cmd == 'idle':
        idle = [connect(args[0], args[1]) for _ in range(int(args[2]))]
        t0 = time.monotonic()
        head, body = scrape(args[0], args[1])
        t1 = time.monotonic()
        # the idle ones are closed by halbd's request time-out, not by us
        for s in idle:
            s.settimeout(30)
            try:
                s.recv(1)
            except OSError:
                pass
        print('scrape_ms=%d status=%s idle_closed_ms=%d' % ((t1 - t0) * 1000, head.split(' ')[1],
                                                            (time.monotonic() - t0) * 1000))
        return 0
    if cmd == 'many':
        n = int(args[2])
        sel = selectors.DefaultSelector()
        t0 = time.monotonic()
        socks = []
        for _ in range(n):
            s = connect(args[0], args[1])
            s.sendall(b'GET /metrics HTTP/1.0\r\n\r\n')
            s.setblocking(False)
            socks.append(s)
            sel.register(s, selectors.EVENT_READ, [b''])
        left, status = n, {}
        while left and time.monotonic() - t0 < 60:
            for key, _ in sel.select(timeout=1):
                try:
                    b = key.fileobj.recv(65536)
                except OSError:
                    b = b''
                if b:
                    key.data[0] += b
                    continue
                sel.unregister(key.fileobj)
                key.fileobj.close()
                left -= 1
                head, body = split(key.data[0])
                st = head.split(' ')[1] if ' ' in head else 'none'
                m = re.search(r'\r\nContent-Length: ([0-9]+)\r\n', head + '\r\n')
                if st == '200' and (not m or int(m.group(1)) != len(body)):
                    st = 'truncated'
                status[st] = status.get(st, 0) + 1
        print(' '.join('%s=%d' % kv for kv in sorted(status.items())),
              'unfinished=%d ms=%d' % (left, (time.monotonic() - t0) * 1000))
        return 0 if status.get('200') == n else 1
    print('unknown command', cmd, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main())
