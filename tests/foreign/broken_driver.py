"""A foreign driver that breaks: `python broken_driver.py exit|hang|neither` answers the
callback protocol (`conformance.foreign`) as an EarlyStopping that never stops, except
that its `on_epoch_end` ends the process with status 1 (`exit`) or never answers
(`hang`); with `neither`, it does not break. It
imports nothing of the suite: it stands for a driver in another language."""

import json
import sys
import time

MODE = sys.argv[1]

for line in sys.stdin:
    request = json.loads(line)
    if request["op"] == "close":
        print(json.dumps({"protocol": 1, "ok": None}), flush=True)
        break
    if request["op"] == "hook" and request["name"] == "on_epoch_end":
        if MODE == "exit":
            sys.exit(1)
        if MODE == "hang":
            time.sleep(3600)
    answer = {"printed": [], "warnings": []}
    if request["op"] == "start":
        answer.update(implementation="broken", version="0", callbacks=["EarlyStopping"])
    elif request["op"] == "hook":
        answer["model"] = request["model"]
    print(json.dumps({"protocol": 1, "ok": answer}), flush=True)
