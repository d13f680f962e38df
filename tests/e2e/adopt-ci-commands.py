#!/usr/bin/env python3
"""adopt-ci-commands.py FILE [JOB...]: the shell commands of a CI file.

A GitLab CI file: the `script:` lines of each job (or of the named jobs), in
file order, one per line, each prefixed by "# job NAME" comments; the
before_script that installs aftermath is left out (the tests run with the
binary under test on PATH).  A GitHub workflow: every step's `run:` lines.
A step that uses an action is printed as a comment.  Exits 1 when the file
is not valid YAML or has no jobs.
"""
import sys
import yaml

with open(sys.argv[1]) as f:
    doc = yaml.safe_load(f)
want = sys.argv[2:]
out = []
if isinstance(doc, dict) and "jobs" in doc:  # GitHub Actions
    for name, job in doc["jobs"].items():
        if want and name not in want:
            continue
        for step in job.get("steps", []):
            if "run" in step:
                out.append("# job %s" % name)
                out.extend(step["run"].splitlines())
            elif "uses" in step:
                out.append("# job %s uses %s %s" % (name, step["uses"], step.get("with", {})))
else:  # GitLab CI
    for name, job in doc.items():
        if name.startswith(".") or not isinstance(job, dict) or "script" not in job:
            continue
        if want and name not in want:
            continue
        out.append("# job %s" % name)
        out.extend(job["script"])
if not out:
    sys.exit("no jobs in %s" % sys.argv[1])
print("\n".join(out))
