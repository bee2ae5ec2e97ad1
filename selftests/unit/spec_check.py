#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the halb uAPI header agrees with its genetlink YAML spec.

Usage: spec_check.py HEADER YAML

The YAML spec (include/uapi/linux/halb.yaml, kernel genetlink-legacy format)
is the documented source of the ABI; the C header (include/uapi/linux/halb.h)
must say the same thing.  This script parses every `enum NAME { ... };` of
the header (explicit values such as `= 1U << n` are evaluated, the
`__X_MAX, X_MAX = __X_MAX - 1` trailer is recognised) and the spec, and
compares them.

Name mapping (the kernel's ynl-gen rule):
    C name = upper(name-prefix + yaml name), with '-' replaced by '_'
    e.g. set "service" has name-prefix "halb-svc-a-", so its attribute
    "sched-name" is HALB_SVC_A_SCHED_NAME; command "new-service" with the
    operations' name-prefix "halb-cmd-" is HALB_CMD_NEW_SERVICE.
    C enum name = enum-name with '-' replaced by '_' (e.g. "halb-svc-attr"
    -> enum halb_svc_attr); for definitions it defaults to family-name.
    Defaults when name-prefix is absent: "<family>-a-<set>-" for attribute
    sets, "<family>-cmd-" for operations, "<family>-<name>-" for enums.
    Constants map to "<family>-<name>" (sched-name-max -> HALB_SCHED_NAME_MAX).

Values: attributes and commands are numbered from 1 (an explicit `value`
restarts the count); the header may put a <PREFIX>UNSPEC at 0 that the spec
does not list.  Enum entries are numbered from value-start (default 0); a
flags entry n is the bit 1 << n.  Attribute sets and commands always have the
__<PREFIX>MAX / <PREFIX>MAX trailer, enums have it when render-max is set.

Types: the header's comment on each attribute starts with a type hint
("/* u32: ...", "/* be16 */", "/* nest, enum halb_stats_attr */"); it must
agree with the YAML type: uN -> type uN (host order), be16/be32 -> u16/u32 with
byte-order big-endian, binary[N] -> binary with exact-len N, string -> string,
nest -> nest (whose nested set's enum-name must be the one named).  An
attribute named *_PAD with no hint must be type pad.  A comment naming an
"enum halb_..." of the definitions must match the attribute's enum.

Output is KTAP: one "ok N name" / "not ok N name - reason" line per check
group; the exit status is 1 when any group fails.
"""

import ast
import re
import sys

import yaml


class ParseError(Exception):
    pass


# ---------------------------------------------------------------------------
# C header
# ---------------------------------------------------------------------------

def _strip_suffix(m):
    return m.group(1)


def eval_c_expr(expr, names):
    """Evaluate a small C integer expression (literals, names, + - << | ( ))."""
    text = expr.strip()
    text = re.sub(r'\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b', _strip_suffix, text)

    def subst(m):
        word = m.group(0)
        if re.fullmatch(r'0[xX][0-9a-fA-F]+|\d+', word):
            return word
        if word not in names:
            raise ParseError(f"unknown name {word!r} in {expr!r}")
        return str(names[word])

    text = re.sub(r'\b[A-Za-z_][A-Za-z0-9_]*\b', subst, text)
    tree = ast.parse(text, mode='eval')

    def ev(node):
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b,
                   ast.LShift: lambda: a << b, ast.BitOr: lambda: a | b,
                   ast.Mult: lambda: a * b}
            for op, fn in ops.items():
                if isinstance(node.op, op):
                    return fn()
        raise ParseError(f"unsupported expression {expr!r}")

    return ev(tree)


class CEntry:
    def __init__(self, name, value, comment, explicit):
        self.name = name
        self.value = value
        self.comment = comment      # text of the comment on the same line
        self.explicit = explicit    # right-hand side of "=", or None


class CEnum:
    def __init__(self, name):
        self.name = name
        self.entries = []           # all entries, trailer included

    def body(self):
        """Entries without the __X_MAX / X_MAX trailer."""
        return [e for e in self.entries if not self.is_trailer(e)]

    def trailer(self):
        return [e for e in self.entries if self.is_trailer(e)]

    def is_trailer(self, e):
        if e.name.startswith('__') and e.name.endswith('_MAX'):
            return True
        if e.name.endswith('_MAX') and e.explicit and \
                re.fullmatch(r'\(?\s*__' + re.escape(e.name) + r'\s*-\s*1\s*\)?',
                             e.explicit):
            return True
        return False


class Header:
    def __init__(self, text):
        self.enums = {}             # name -> CEnum, in order
        self.defines = {}           # name -> raw text
        self.values = {}            # every enum entry / define known so far
        self._parse(text)

    def _parse(self, text):
        text = re.sub(r'\\\n', ' ', text)    # join continued lines
        for m in re.finditer(r'^\s*#\s*define\s+([A-Za-z_]\w*)[ \t]+(.*?)\s*$',
                             text, re.M):
            self.defines[m.group(1)] = re.sub(r'/\*.*?\*/', '', m.group(2)).strip()
        for m in re.finditer(r'\benum\s+([A-Za-z_]\w*)\s*\{(.*?)\}\s*;', text, re.S):
            enum = CEnum(m.group(1))
            self._parse_body(enum, m.group(2))
            if enum.name in self.enums:
                raise ParseError(f"enum {enum.name} defined twice")
            self.enums[enum.name] = enum

    def _parse_body(self, enum, body):
        in_comment = False
        nextval = 0
        for line in body.split('\n'):
            code, comment = '', ''
            rest = line
            while rest:
                if in_comment:
                    end = rest.find('*/')
                    if end < 0:
                        rest = ''
                        break
                    in_comment = False
                    rest = rest[end + 2:]
                    continue
                start = rest.find('/*')
                if start < 0:
                    code += rest
                    break
                code += rest[:start]
                end = rest.find('*/', start + 2)
                if end < 0:
                    in_comment = True
                    rest = ''
                    break
                if code.strip():
                    comment = rest[start + 2:end].strip()
                rest = rest[end + 2:]
            for item in code.split(','):
                item = item.strip()
                if not item:
                    continue
                m = re.fullmatch(r'([A-Za-z_]\w*)\s*(?:=\s*(.+))?', item)
                if not m:
                    raise ParseError(f"enum {enum.name}: cannot parse {item!r}")
                name, rhs = m.group(1), m.group(2)
                value = eval_c_expr(rhs, self.values) if rhs else nextval
                self.values[name] = value
                nextval = value + 1
                enum.entries.append(CEntry(name, value, comment, rhs))

    def define_value(self, name):
        """Value of a #define: int, str (for "..."), or None if absent."""
        if name not in self.defines:
            return None
        raw = self.defines[name]
        m = re.fullmatch(r'"(.*)"', raw)
        if m:
            return m.group(1)
        names = dict(self.values)
        for other in self.defines:
            if other != name and re.fullmatch(r'[\d()xXa-fA-FuUlL <|+-]+',
                                              self.defines[other] or 'x'):
                try:
                    names[other] = eval_c_expr(self.defines[other], {})
                except ParseError:
                    pass
        return eval_c_expr(raw, names)


# ---------------------------------------------------------------------------
# YAML spec
# ---------------------------------------------------------------------------

def c_upper(name):
    return name.upper().replace('-', '_')


def c_lower(name):
    return name.lower().replace('-', '_')


class Spec:
    def __init__(self, data):
        if not isinstance(data, dict):
            raise ParseError("spec is not a mapping")
        self.y = data
        self.family = data['name']
        self.defs = data.get('definitions', []) or []
        self.sets = data.get('attribute-sets', []) or []
        self.ops = data.get('operations', {}) or {}
        self.sets_by_name = {s['name']: s for s in self.sets}
        self.defs_by_name = {d['name']: d for d in self.defs}

    # Names and values, following the kernel's ynl-gen / nlspec rules.

    def set_prefix(self, s):
        return s.get('name-prefix', f"{self.family}-a-{s['name']}-")

    def set_enum_name(self, s):
        en = s.get('enum-name')
        return c_lower(en) if en else None

    def set_attrs(self, s):
        """[(C name, value, yaml attr)] of an attribute set."""
        out, val = [], 1
        for a in s['attributes']:
            if 'value' in a:
                val = a['value']
            pfx = a.get('name-prefix', self.set_prefix(s))
            out.append((c_upper(pfx + a['name']), val, a))
            val += 1
        return out

    def op_prefix(self):
        return self.ops.get('name-prefix', f"{self.family}-cmd-")

    def op_enum_name(self):
        en = self.ops.get('enum-name')
        return c_lower(en) if en else None

    def op_list(self):
        out, val = [], 1
        for op in self.ops.get('list', []):
            if 'value' in op:
                val = op['value']
            out.append((c_upper(self.op_prefix() + op['name']), val, op))
            val += 1
        return out

    def def_prefix(self, d):
        return d.get('name-prefix', f"{self.family}-{d['name']}-")

    def def_enum_name(self, d):
        if 'enum-name' in d:
            return c_lower(d['enum-name']) if d['enum-name'] else None
        return c_lower(f"{self.family}-{d['name']}")

    def def_entries(self, d):
        """[(C name, user value)] of an enum or flags definition."""
        out, prev = [], None
        for e in d.get('entries', []):
            if isinstance(e, str):
                e = {'name': e}
            if 'value' in e:
                raw = e['value']
            elif prev is not None:
                raw = prev + 1
            else:
                raw = d.get('value-start', 0)
            prev = raw
            user = (1 << raw) if d['type'] == 'flags' else raw
            out.append((c_upper(self.def_prefix(d) + e['name']), user))
        return out

    def const_c_name(self, d):
        return c_upper(f"{self.family}-{d['name']}")


# ---------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------

TYPE_HINT = re.compile(
    r'^(u8|u16|u32|u64|s8|s16|s32|s64|be16|be32|binary\[(\d+)\]|string|nest'
    r'|flag|pad)(?=$|[\s:,;(])')


def compare_enum(cenum, expected, prefix, allow_unspec, want_trailer,
                 want_mask=None):
    """Compare a header enum with [(C name, value)] from the spec."""
    errs = []
    body = cenum.body()
    if allow_unspec and body and body[0].name == c_upper(prefix + 'unspec') \
            and body[0].value == 0:
        body = body[1:]
    if want_mask is not None:
        mask_name, mask_val = want_mask
        masks = [e for e in body if e.name == mask_name]
        for e in masks:
            if e.value != mask_val:
                errs.append(f"{mask_name} is {e.value:#x}, spec says {mask_val:#x}")
        body = [e for e in body if e.name != mask_name]
        if not masks:
            errs.append(f"{mask_name} missing (render-max)")
    hdr = [(e.name, e.value) for e in body]
    hdr_names = {n for n, _ in hdr}
    exp_names = {n for n, _ in expected}
    for n in [n for n, _ in expected if n not in hdr_names]:
        errs.append(f"{n} in spec, not in header")
    for n in [n for n, _ in hdr if n not in exp_names]:
        errs.append(f"{n} in header, not in spec")
    common_h = [x for x in hdr if x[0] in exp_names]
    common_e = [x for x in expected if x[0] in hdr_names]
    for (hn, _), (en, _) in zip(common_h, common_e):
        if hn != en:
            errs.append(f"order differs: header has {hn} where spec has {en}")
            break
    hv = dict(hdr)
    for n, v in expected:
        if n in hv and hv[n] != v:
            errs.append(f"{n} = {hv[n]} in header, {v} in spec")
    names = [e.name for e in cenum.trailer()]
    cnt, mx = '__' + c_upper(prefix + 'max'), c_upper(prefix + 'max')
    if want_trailer:
        if names != [cnt, mx]:
            errs.append(f"trailer should be {cnt}, {mx} = {cnt} - 1; "
                        f"header has {names or 'none'}")
        else:
            last = max([v for _, v in expected], default=0)
            tv = {e.name: e.value for e in cenum.trailer()}
            if tv[mx] != last:
                errs.append(f"{mx} is {tv[mx]}, last spec value is {last}")
    elif names:
        errs.append(f"header has trailer {names} but spec has no render-max")
    return errs


def check_family(hdr, spec):
    errs = []
    fam_def = c_upper(spec.y.get('c-family-name', f"{spec.family}-family-name"))
    ver_def = c_upper(spec.y.get('c-version-name', f"{spec.family}-family-version"))
    fv = hdr.define_value(fam_def)
    if fv != spec.family:
        errs.append(f"{fam_def} is {fv!r}, spec name is {spec.family!r}")
    vv = hdr.define_value(ver_def)
    if vv != spec.y.get('version', 1):
        errs.append(f"{ver_def} is {vv!r}, spec version is {spec.y.get('version', 1)}")
    return errs


def check_ops(hdr, spec):
    en = spec.op_enum_name()
    if not en:
        return ["operations have no enum-name to find the header enum by"]
    if en not in hdr.enums:
        return [f"enum {en} not in header"]
    exp = [(n, v) for n, v, _ in spec.op_list()]
    errs = compare_enum(hdr.enums[en], exp, spec.op_prefix(), True, True)
    for name, _, op in spec.op_list():
        aset = spec.sets_by_name.get(op.get('attribute-set'))
        if not aset:
            errs.append(f"{name}: unknown attribute-set {op.get('attribute-set')!r}")
            continue
        known = {a['name'] for a in aset['attributes']}
        if 'do' not in op and 'dump' not in op:
            errs.append(f"{name}: neither do nor dump")
        for mode in ('do', 'dump'):
            for part in ('request', 'reply'):
                lst = ((op.get(mode) or {}).get(part) or {}).get('attributes') or []
                for a in lst:
                    if a not in known:
                        errs.append(f"{name} {mode} {part}: unknown attribute {a}")
    return errs


def check_set_enum(hdr, spec, s):
    en = spec.set_enum_name(s)
    if not en:
        return [f"set {s['name']} has no enum-name to find the header enum by"]
    if en not in hdr.enums:
        return [f"enum {en} not in header"]
    attrs = spec.set_attrs(s)
    errs = []
    if attrs and attrs[0][1] != 1:
        errs.append(f"first attribute {attrs[0][0]} is {attrs[0][1]}, not 1")
    exp = [(n, v) for n, v, _ in attrs]
    errs += compare_enum(hdr.enums[en], exp, spec.set_prefix(s), True, True)
    return errs


def check_set_types(hdr, spec, s):
    en = spec.set_enum_name(s)
    if not en or en not in hdr.enums:
        return ["no header enum (see the enum check)"]
    centries = {e.name: e for e in hdr.enums[en].body()}
    errs = []
    for cname, _, a in spec.set_attrs(s):
        e = centries.get(cname)
        if e is None:
            continue                # reported by the enum check
        t = a.get('type')
        big = a.get('byte-order') == 'big-endian'
        m = TYPE_HINT.match(e.comment)
        if not m:
            if cname.endswith('_PAD') and t == 'pad':
                continue
            errs.append(f"{cname}: no type hint in header comment {e.comment!r}")
            continue
        hint = m.group(1)
        if hint in ('be16', 'be32'):
            if t != 'u' + hint[2:] or not big:
                errs.append(f"{cname}: header {hint}, spec {t}"
                            f"{' big-endian' if big else ''}")
        elif hint.startswith('binary'):
            n = int(m.group(2))
            chk = a.get('checks', {}) or {}
            ok = t == 'binary' and (chk.get('exact-len') == n or
                                    chk.get('min-len') == chk.get('max-len') == n)
            if not ok:
                errs.append(f"{cname}: header {hint}, spec {t} {chk or ''}")
        elif hint in ('u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64'):
            if t != hint or big:
                errs.append(f"{cname}: header {hint}, spec {t}"
                            f"{' big-endian' if big else ''}")
        else:
            if t != hint:
                errs.append(f"{cname}: header {hint}, spec {t}")
        # "enum halb_xxx" in the comment: the nest's set or the value's enum
        for ref in re.findall(r'\benum\s+([A-Za-z_]\w*)', e.comment):
            if t == 'nest':
                inner = spec.sets_by_name.get(a.get('nested-attributes'))
                got = spec.set_enum_name(inner) if inner else None
                if got != ref:
                    errs.append(f"{cname}: header nests enum {ref}, spec nests "
                                f"{a.get('nested-attributes')!r} (enum {got})")
            else:
                d = spec.defs_by_name.get(a.get('enum'))
                got = spec.def_enum_name(d) if d else None
                if got != ref:
                    errs.append(f"{cname}: header says enum {ref}, spec enum "
                                f"{a.get('enum')!r} ({got})")
        if t == 'nest' and a.get('nested-attributes') not in spec.sets_by_name:
            errs.append(f"{cname}: unknown nested-attributes {a.get('nested-attributes')!r}")
        if 'enum' in a and a['enum'] not in spec.defs_by_name:
            errs.append(f"{cname}: unknown enum {a['enum']!r}")
    return errs


def check_def_enum(hdr, spec, d):
    en = spec.def_enum_name(d)
    if not en:
        return [f"definition {d['name']} has no enum name"]
    if en not in hdr.enums:
        return [f"enum {en} not in header"]
    exp = spec.def_entries(d)
    render_max = d.get('render-max', False)
    pfx = spec.def_prefix(d)
    if d['type'] == 'flags':
        mask = sum(v for _, v in exp)
        want_mask = (c_upper(pfx + 'mask'), mask) if render_max else None
        return compare_enum(hdr.enums[en], exp, pfx, False, False, want_mask)
    return compare_enum(hdr.enums[en], exp, pfx, False, render_max)


def check_consts(hdr, spec):
    errs = []
    for d in spec.defs:
        if d['type'] != 'const':
            continue
        name = spec.const_c_name(d)
        try:
            v = hdr.define_value(name)
        except ParseError as e:
            errs.append(f"{name}: {e}")
            continue
        if v is None:
            errs.append(f"{name} not defined in header")
        elif v != d['value']:
            errs.append(f"{name} is {v!r} in header, {d['value']!r} in spec")
    return errs


def check_coverage(hdr, spec):
    """Every header enum is described by the spec."""
    known = set()
    if spec.op_enum_name():
        known.add(spec.op_enum_name())
    for s in spec.sets:
        if spec.set_enum_name(s):
            known.add(spec.set_enum_name(s))
    for d in spec.defs:
        if d['type'] in ('enum', 'flags'):
            known.add(spec.def_enum_name(d))
    return [f"enum {n} has no counterpart in the spec"
            for n in hdr.enums if n not in known]


def main(argv):
    if len(argv) != 3:
        sys.stderr.write(f"usage: {argv[0]} HEADER YAML\n")
        return 2
    with open(argv[1]) as f:
        htext = f.read()
    with open(argv[2]) as f:
        ytext = f.read()

    results = []
    try:
        hdr = Header(htext)
        spec = Spec(yaml.safe_load(ytext))
    except (ParseError, KeyError, TypeError, yaml.YAMLError) as e:
        results.append(("parse", [f"{type(e).__name__}: {e}"]))
        hdr = spec = None

    if spec is not None:
        results.append(("family", check_family(hdr, spec)))
        results.append(("commands", check_ops(hdr, spec)))
        for d in spec.defs:
            if d['type'] in ('enum', 'flags'):
                results.append((f"enum {d['name']}", check_def_enum(hdr, spec, d)))
        results.append(("constants", check_consts(hdr, spec)))
        for s in spec.sets:
            results.append((f"attr-set {s['name']}", check_set_enum(hdr, spec, s)))
            results.append((f"attr-types {s['name']}", check_set_types(hdr, spec, s)))
        results.append(("header enums covered", check_coverage(hdr, spec)))

    print("KTAP version 1")
    print(f"1..{len(results)}")
    failed = 0
    for i, (name, errs) in enumerate(results, 1):
        if errs:
            failed += 1
            print(f"not ok {i} {name} - {errs[0]}")
            for e in errs[1:]:
                print(f"# {name}: {e}")
        else:
            print(f"ok {i} {name}")
    print(f"# spec_check: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
