#!/usr/bin/env python3
"""Validate melf-objdump --json output against the schema of
docs/melf-objdump.md and print a short summary for FileCheck."""
import json
import sys

doc = json.load(sys.stdin if sys.argv[1] == "-" else open(sys.argv[1]))
INT = int


def need(obj, key, typ):
    assert key in obj, "missing key %r" % key
    assert isinstance(obj[key], typ), "%r is not %s" % (key, typ)
    return obj[key]


need(doc, "file", str)
assert need(doc, "format", str) == "melf"
for k in ("meta_version", "e_machine", "page_size"):
    need(doc, k, INT)
need(doc, "arch", str)
meta = need(doc, "metadata", dict)
for k in ("address", "file_offset", "size"):
    need(meta, k, INT)
assert need(meta, "source", str) in ("PT_MELF_META", "section")
parts = need(doc, "parts", list)
assert [p["name"] for p in parts] == ["text", "rodata", "vldata"]
for p in parts:
    need(p, "present", bool)
    need(p, "address", INT)
    need(p, "size", INT)
    need(p, "protection", str)
variants = need(doc, "variants", list)
for i, v in enumerate(variants):
    assert need(v, "id", INT) == i
    need(v, "name", str)
    for k in ("flags", "arch", "isa_features"):
        need(v, k, INT)
    need(v, "flag_names", str)
    need(v, "feature_names", str)
    po = need(v, "part_offset", dict)
    assert sorted(po) == ["rodata", "text", "vldata"]
    img = need(v, "image", dict)
    need(img, "file_offset", INT)
    need(img, "size", INT)
    need(img, "program_header", str)
slots = need(doc, "slots", list)
for i, s in enumerate(slots):
    assert need(s, "index", INT) == i
    need(s, "name", str)
    for k in ("address", "size", "present"):
        need(s, k, INT)
    bodies = need(s, "bodies", list)
    assert len(bodies) == len(variants)
    for b, v in zip(bodies, variants):
        assert need(b, "variant", str) == v["name"]
        need(b, "own_body", bool)
        need(b, "body_size", INT)
        need(b, "padding", INT)
tot = need(doc, "totals", dict)
for k in ("slots", "slot_bytes", "images", "padding_bytes", "image_bytes",
          "fallbacks"):
    need(tot, k, INT)
print("schema ok")
print("variants", ",".join(v["name"] for v in variants))
print("slots", " ".join("%s@%#x/%d" % (s["name"], s["address"], s["size"])
                        for s in slots))
print("parts", " ".join("%s:%#x+%#x" % (p["name"], p["address"], p["size"])
                        for p in parts if p["present"]))
print("totals slots=%d images=%d padding=%d image_bytes=%d" % (
    tot["slots"], tot["images"], tot["padding_bytes"], tot["image_bytes"]))
if "attack_surface" in doc:
    a = need(doc, "attack_surface", dict)
    need(a, "gadget_max_instructions", INT)
    need(a, "functions", INT)
    for k in ("program", "outside_area"):
        for f in ("code_bytes", "returns", "gadgets"):
            need(need(a, k, dict), f, INT)
    for v in need(a, "variants", list):
        need(v, "name", str)
        need(v, "in_file", bool)
        for k in ("total", "area"):
            for f in ("functions", "code_bytes", "returns", "gadgets"):
                need(need(v, k, dict), f, INT)
    print("attack_surface " + " ".join(
        "%s:%d/%d/%d" % (v["name"], v["total"]["code_bytes"],
                         v["total"]["returns"], v["total"]["gadgets"])
        for v in a["variants"]))
if "verify" in doc:
    v = need(doc, "verify", dict)
    print("verify valid=%s violations=%d" % (
        need(v, "valid", bool), len(need(v, "violations", list))))
else:
    print("no verify")
