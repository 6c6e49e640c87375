#!/usr/bin/env bash
# make demo: the whole SOP-PIAK-02 against the built-in simulated site, unattended, from the
# collection's tarball. Outputs go to build/demo/ (a fresh run each time).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO=$ROOT/build/demo
SITE=tools/camsim/sites/demo.yml
STATE=$DEMO/simulator.json
START=$(date +%s)

if [ -f "$STATE" ]; then PYTHONPATH=$ROOT/tools python -m camsim stop --state-file "$STATE" >/dev/null 2>&1 || true; fi
rm -rf "$DEMO"
mkdir -p "$DEMO"

export PYTHONPATH=$ROOT/tools
export ANSIBLE_COLLECTIONS_PATH=$DEMO/collections
ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_PYTHON_INTERPRETER
export ANSIBLE_LOCAL_TEMP=$DEMO/.ansible/tmp ANSIBLE_HOME=$DEMO/.ansible
export ANSIBLE_FORKS=6 ANSIBLE_HOST_KEY_CHECKING=False ANSIBLE_RETRY_FILES_ENABLED=False
export CCTV_DEMO_DIR=$DEMO

echo "== Building and installing the collection from its tarball"
ansible-galaxy collection build --force --output-path "$DEMO/dist" >/dev/null
ansible-galaxy collection install --force -p "$DEMO/collections" "$DEMO"/dist/dukcapil-cctv-*.tar.gz >/dev/null

echo "== Building the portable demo viewer the workstations install"
CCTV_DEMO_VIEWER_CHECKSUM=$(python tools/make_demo_viewer.py --output-dir "$DEMO/dist" | sed -n 2p)
export CCTV_DEMO_VIEWER_CHECKSUM

echo "== Starting the simulated site ($SITE)"
python -m camsim start "$SITE" --state-file "$STATE" --log "$DEMO/simulator.log"
trap 'python -m camsim stop --state-file "$STATE" >/dev/null 2>&1 || true' EXIT

echo "== SOP-PIAK-02 steps 1-9 (ansible-playbook dukcapil.cctv.install_cctv), demo reviewers accepting"
ansible-playbook -i inventory/demo dukcapil.cctv.install_cctv \
  -e 'mount_attested_by="Budi Santoso, S.Kom."' \
  -e review_sub_koordinator_decision=accepted -e review_kepala_bidang_decision=accepted \
  -e agenda_export="$DEMO/run/buku-agenda.csv"

echo
echo "== How each camera was booted in step 2 (the simulator's view: Hikvision ISAPI, Axis VAPIX)"
python - "$STATE" <<'PY'
import json, sys, urllib.request
control = json.load(open(sys.argv[1]))["control_url"]
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback only, never a proxy
for cam in json.load(opener.open(control + "/cameras", timeout=5)):
    print("  %-12s %-10s first boot %-15s %s" % (cam["name"], cam["vendor"], cam["first_boot"], cam["credentials"]))
PY

echo
echo "== The site's cameras after the procedure (dukcapil.cctv.camera_survey)"
ansible-playbook -i inventory/demo dukcapil.cctv.camera_survey -e camera_survey_dest="$DEMO/survey" > "$DEMO/survey.log"
python - "$DEMO/survey/cameras.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for r in rows:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
PY

echo
echo "== What the office gets"
python - "$DEMO" <<'PY'
import glob, json, os, sys
demo = sys.argv[1]
record = json.load(open(os.path.join(demo, "run", "record.json")))
for label, pattern in (("report (HTML)", "run/laporan/*.html"), ("report (PDF)", "run/laporan/*.pdf"),
                       ("report (JSON)", "run/laporan/*.json"), ("asset label sheet", "run/label-aset.pdf"),
                       ("agenda book", "buku-agenda.sqlite3"), ("agenda export", "run/buku-agenda.csv")):
    for path in sorted(glob.glob(os.path.join(demo, pattern))):
        print("%-18s %s" % (label, path))
agenda = record.get("agenda", {})
print("%-18s %s (%s), report hash %s" % ("agenda entry", agenda.get("number"), agenda.get("date"), agenda.get("report_hash")))
reports = sorted(glob.glob(os.path.join(demo, "run", "laporan", "*.json")))
if reports:
    report = json.load(open(reports[0]))
    cameras = report["facts"]["cameras"]
    print()
    print("== Every planned camera in the report (%d), with its open problems" % len(cameras))
    open_problems = report.get("open_problems", [])
    for cam in cameras:
        mine = [p for p in open_problems if ", %s: " % cam["name"] in p]
        print("  %-12s %-16s %-15s %s" % (cam["name"], cam.get("room", "-"), cam.get("address", "-"),
                                         "; ".join(mine) if mine else "ok"))
    print("  installation: %s" % ("complete" if report.get("complete") else
                                   "NOT complete, %d open problem(s)" % len(open_problems)))
PY
echo "== Done in $(( $(date +%s) - START )) s"
