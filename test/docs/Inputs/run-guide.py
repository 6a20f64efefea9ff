"""Runs the code of a Markdown guide (test/docs/guide.test): every ```c
block is written to the file its first line names (/* name.c */), every
```sh block is run with bash -e in that directory, in order; output goes
to stdout for FileCheck.

    run-guide.py GUIDE.md WORKDIR BINDIR
"""
import os
import re
import subprocess
import sys

guide, work, bindir = sys.argv[1:]
os.makedirs(work, exist_ok=True)
text = open(guide).read()
env = dict(os.environ, PATH=bindir + os.pathsep + os.environ["PATH"])
for lang, body in re.findall(r"```(c|sh)\n(.*?)```", text, re.S):
    if lang == "c":
        m = re.match(r"/\* (\S+) \*/", body)
        if not m:
            sys.exit("a c block without a /* name.c */ first line")
        with open(os.path.join(work, m.group(1)), "w") as f:
            f.write(body)
        print(f"== wrote {m.group(1)}")
    else:
        for line in body.strip().splitlines():
            print(f"== $ {line}", flush=True)
            r = subprocess.run(["bash", "-ec", line], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            sys.stdout.write(r.stdout)
            if r.returncode:
                print(f"== exit status {r.returncode}")
                sys.exit(1)
