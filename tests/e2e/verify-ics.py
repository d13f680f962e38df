#!/usr/bin/python3
"""verify-ics.py SITE [URL_PREFIX]: parse every actions/calendar/**/*.ics of a
built site with Debian's python3-icalendar and check it against the site's
own api/actions.csv and api/postmortems.json: one VEVENT per open or
in-progress item with a due date (all.ics: every one; owner/SLUG.ics: that
owner's; service/SLUG.ics: that service's postmortems'), an all-day DTSTART
on the due date, a DISPLAY alarm three days before, a URL of the item's
postmortem page (starting with URL_PREFIX when given), UIDs unique in a
file, SUMMARY equal to the item's title; every line ends in CRLF and has at
most 75 octets.  Prints "ics: N files, M events, 0 problems"; exit 1 on any."""
import csv
import datetime
import glob
import io
import json
import os
import re
import sys

import icalendar

site = sys.argv[1]
prefix = sys.argv[2] if len(sys.argv) > 2 else None
problems = 0


def problem(msg):
    global problems
    problems += 1
    if problems <= 20:
        print(msg)


def slug(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")


rows = list(csv.DictReader(io.StringIO(open(os.path.join(site, "api/actions.csv"), newline="", encoding="utf-8").read())))
pms = {p["id"]: p for p in json.load(open(os.path.join(site, "api/postmortems.json")))}
open_items = [r for r in rows if r["status"] in ("open", "in-progress") and r["due"]]


def expected(path):
    rel = os.path.relpath(path, os.path.join(site, "actions/calendar"))
    if rel == "all.ics":
        return open_items
    kind, name = rel.split("/")
    name = name[:-4]
    if kind == "owner":
        return [r for r in open_items if r["owner"] and slug(r["owner"]) == name]
    return [r for r in open_items if name in pms[r["postmortem_id"]]["services"]]


files = sorted(glob.glob(os.path.join(site, "actions/calendar/**/*.ics"), recursive=True))
events = 0
for path in files:
    raw = open(path, "rb").read()
    if not raw.endswith(b"\r\n") or b"\n" in raw.replace(b"\r\n", b"") or b"\r" in raw.replace(b"\r\n", b""):
        problem(f"{path}: a line does not end in CRLF")
    for n, line in enumerate(raw.split(b"\r\n"), 1):
        if len(line) > 75:
            problem(f"{path}:{n}: {len(line)} octets (more than 75)")
    cal = icalendar.Calendar.from_ical(raw)
    got = [c for c in cal.walk() if c.name == "VEVENT"]
    want = expected(path)
    events += len(got)
    if len(got) != len(want):
        problem(f"{path}: {len(got)} events, want {len(want)}")
    uids = [str(e["UID"]) for e in got]
    if len(set(uids)) != len(uids):
        problem(f"{path}: repeated UIDs")
    for e, r in zip(got, want):
        if str(e["SUMMARY"]) != r["title"].replace("\r\n", "\n").replace("\r", "\n"):
            problem(f"{path}: SUMMARY {str(e['SUMMARY'])!r}, want {r['title']!r}")
        start = e["DTSTART"].dt
        if type(start) is not datetime.date or start.isoformat() != r["due"]:
            problem(f"{path}: DTSTART {start!r}, want the date {r['due']}")
        alarms = [a for a in e.walk() if a.name == "VALARM"]
        if len(alarms) != 1 or str(alarms[0]["ACTION"]) != "DISPLAY" or alarms[0]["TRIGGER"].dt != datetime.timedelta(days=-3):
            problem(f"{path}: {e['UID']}: want one DISPLAY alarm 3 days before")
        url = str(e["URL"])
        if not url.endswith("/postmortems/" + pms[r["postmortem_id"]]["url"].split("/")[-2] + "/") or (prefix and not url.startswith(prefix)):
            problem(f"{path}: {e['UID']}: URL {url}")
print(f"ics: {len(files)} files, {events} events, {problems} problems")
sys.exit(1 if problems else 0)
