#!/usr/bin/env python3
"""verify-digest.py CONTENT DIGEST_JSON AS_OF: recompute `aftermath overdue
--format json` from the sources alone, independently of the generator's C
code, and compare.  Reads site.yaml (severities, the services registry's
owners, policy:) and every postmortem's front matter (PyYAML) or, when it
has no action_items, its "Action items" task list; applies the definitions
of docs/follow-through.md: derived due dates, overdue / due soon / escalated
items of open and in-progress items, late write-ups of drafts and reviews,
grouped by the slug of the person they are for, in the documented order.
Prints the differences and "digest: 0 differences over N items"; exit 1
when there is any difference."""
import datetime
import json
import os
import re
import sys

import yaml

content, digest_path, as_of_text = sys.argv[1:4]
as_of = datetime.date.fromisoformat(as_of_text)
digest = json.load(open(digest_path))


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


def day(v):
    """The date of a YAML date, or of an ISO date-time as written (the author's zone)."""
    if isinstance(v, datetime.datetime):
        return v.date() if v.tzinfo is None else datetime.date.fromisoformat(v.isoformat()[:10])
    if isinstance(v, datetime.date):
        return v
    return datetime.date.fromisoformat(str(v)[:10])


def duration(s):
    m = re.fullmatch(r"(\d+)([dw])", s)
    return int(m.group(1)) * (7 if m.group(2) == "w" else 1)


site = yaml.safe_load(open(os.path.join(content, "site.yaml"))) or {}
severities = site.get("severities", ["SEV1", "SEV2", "SEV3", "SEV4"])
policy = site.get("policy") or {}
due_days = {k: duration(v) for k, v in (policy.get("due") or {}).items()}
due_soon = duration(policy["due_soon"]) if "due_soon" in policy else 14
escalate = duration(policy["escalate_after"]) if "escalate_after" in policy else None
write_up = {k.upper(): duration(v) for k, v in (policy.get("write_up_within") or {}).items()}
service_owner = {slug(name): (info or {}).get("owner") for name, info in (site.get("services") or {}).items()}

PRIORITY = {"must": "must", "p0": "must", "should": "should", "p1": "should", "nice": "nice", "p2": "nice"}
STATUS = {"open": "open", "todo": "open", "new": "open", "in-progress": "in-progress", "doing": "in-progress",
          "started": "in-progress", "done": "done", "closed": "done", "fixed": "done", "wont-do": "wont-do"}


def body_items(body):
    """The task list under an "Action items" heading, as the README describes it."""
    items, inside = [], False
    for line in body.splitlines():
        h = re.match(r"^#+\s+(.*)$", line)
        if h:
            inside = h.group(1).strip().lower() == "action items"
            continue
        t = re.match(r"^[-*] \[([ xX])\] (.*)$", line) if inside else None
        if not t:
            continue
        text, fields = t.group(2), {}
        m = re.match(r"^(.*?)\s*\(([^()]*)\)\s*$", text)
        if m:
            text = m.group(1)
            for part in m.group(2).split(","):
                k, _, v = part.partition(":")
                fields[k.strip()] = v.strip()
        item = {"title": text.strip(), **fields}
        item.setdefault("status", "done" if t.group(1) in "xX" else "open")
        items.append(item)
    return items


pms = []
for root, _, files in os.walk(os.path.join(content, "postmortems")):
    for f in files:
        if not f.endswith(".md"):
            continue
        text = open(os.path.join(root, f), encoding="utf-8").read()
        m = re.match(r"^---\r?\n(.*?)\r?\n---\r?\n?(.*)$", text, re.S)
        fm = yaml.safe_load(m.group(1))
        items = fm.get("action_items")
        if items is None:
            items = body_items(m.group(2))
        fm["items"] = items or []
        pms.append(fm)
pms.sort(key=lambda p: (-day(p["date"]).toordinal(), str(p["id"])))  # newest first, then id
order = {str(p["id"]): i for i, p in enumerate(pms)}

entries, writeups = [], []
for p in pms:
    date = day(p["date"])
    written = p.get("services") or []
    services = []
    for s in [written] if isinstance(written, str) else written:
        if slug(s) not in services:  # each service once, as written first
            services.append(slug(s))
    to = []
    for s in services:
        o = service_owner.get(s)
        if o and o not in to:
            to.append(o)
    for k, a in enumerate(p["items"]):
        status = STATUS.get(str(a.get("status", "open")).lower(), "open")
        if status not in ("open", "in-progress"):
            continue
        pri = PRIORITY.get(str(a.get("priority", "")).lower())
        if a.get("due"):
            due, source = day(a["due"]), "written"
        elif (pri in due_days) or ("default" in due_days):
            due, source = date + datetime.timedelta(days=due_days.get(pri, due_days.get("default"))), "policy"
        else:
            continue
        left = (due - as_of).days
        if left > due_soon:
            continue
        overdue = left < 0
        esc = overdue and escalate is not None and -left > escalate
        entries.append({"postmortem": str(p["id"]), "item": k, "title": str(a["title"]),
                        "owner_slug": slug(str(a["owner"])) if a.get("owner") else "",
                        "priority": pri, "due": due.isoformat(), "due_source": source,
                        "days": -left if overdue else left, "overdue": overdue, "escalated": esc,
                        "escalated_to": to if esc else [], "services": services})
    sev = str(p.get("severity", severities[-1])).upper()
    status = str(p.get("status", "draft")).lower()
    limit = write_up.get(sev, write_up.get("DEFAULT"))
    if status != "complete" and limit is not None:
        frm = day(p["impact"]["resolved"]) if (p.get("impact") or {}).get("resolved") else date
        late = (as_of - (frm + datetime.timedelta(days=limit))).days
        if late > 0:
            writeups.append({"postmortem": str(p["id"]), "owner_slug": slug(str(p["owner"])) if p.get("owner") else "",
                             "due": (frm + datetime.timedelta(days=limit)).isoformat(), "days_late": late,
                             "from": frm.isoformat(), "severity": sev, "status": status})

entries.sort(key=lambda e: (not e["overdue"], -e["days"] if e["overdue"] else e["days"], order[e["postmortem"]], e["item"]))
writeups.sort(key=lambda w: (w["due"], order[w["postmortem"]]))

groups = {}
def group(s):
    return groups.setdefault(s, {"overdue": [], "due_soon": [], "escalated": [], "late_write_ups": []})

for e in entries:
    group(e["owner_slug"])["overdue" if e["overdue"] else "due_soon"].append(e)
    for o in e["escalated_to"]:
        group(slug(o))["escalated"].append(e)
for w in writeups:
    group(w["owner_slug"])["late_write_ups"].append(w)

diffs = 0
def same(what, got, want):
    global diffs
    if got != want:
        diffs += 1
        if diffs <= 20:
            print(f"{what}: got {json.dumps(got)}, want {json.dumps(want)}")


want_slugs = sorted((s for s in groups if s), key=str) + ([""] if "" in groups else [])
got_slugs = [slug(g["owner"]) if g["owner"] else "" for g in digest["owners"]]
same("owner groups", got_slugs, want_slugs)
same("counts", digest["counts"], {"overdue": sum(e["overdue"] for e in entries), "due_soon": sum(not e["overdue"] for e in entries),
                                  "escalated": sum(e["escalated"] for e in entries), "late_write_ups": len(writeups)})
same("policy", digest["policy"], {"due_soon_days": due_soon, "escalate_after_days": escalate})
same("as_of", digest["as_of"], as_of_text)
ITEM_KEYS = ("postmortem", "item", "title", "priority", "due", "due_source", "escalated", "escalated_to", "services")
for g in digest["owners"]:
    s = slug(g["owner"]) if g["owner"] else ""
    want = groups.get(s, group(s))
    for key in ("overdue", "due_soon", "escalated"):
        got_rows = [{k: r[k] for k in ITEM_KEYS} | {"days": r.get("days_overdue", r.get("days_left")),
                    "owner_slug": slug(r["owner"]) if r["owner"] else ""} for r in g[key]]
        want_rows = [{k: e[k] for k in ITEM_KEYS} | {"days": e["days"], "owner_slug": e["owner_slug"]} for e in want[key]]
        same(f"{g['owner']}.{key}", got_rows, want_rows)
    got_w = [{k: r[k] for k in ("postmortem", "due", "days_late", "from", "severity", "status")} for r in g["late_write_ups"]]
    want_w = [{k: w[k] for k in ("postmortem", "due", "days_late", "from", "severity", "status")} for w in want["late_write_ups"]]
    same(f"{g['owner']}.late_write_ups", got_w, want_w)

print(f"digest: {diffs} differences over {len(entries)} items and {len(writeups)} write-ups")
sys.exit(1 if diffs else 0)
