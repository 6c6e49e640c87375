#!/usr/bin/env bash
# make demo: start the simulated site, run the collection's playbooks on it from the built
# tarball, print what the office gets, stop the site. Outputs go to build/demo/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DEMO=$ROOT/build/demo
SITE=tools/camsim/sites/demo.yml
STATE=$DEMO/simulator.json
mkdir -p "$DEMO"

export PYTHONPATH=$ROOT/tools
export ANSIBLE_COLLECTIONS_PATH=$DEMO/collections
export ANSIBLE_PYTHON_INTERPRETER=$(command -v python)
export ANSIBLE_LOCAL_TEMP=$DEMO/.ansible/tmp ANSIBLE_HOME=$DEMO/.ansible

echo "== Building and installing the collection from its tarball"
rm -rf "$DEMO/dist" "$DEMO/collections"
ansible-galaxy collection build --force --output-path "$DEMO/dist" >/dev/null
ansible-galaxy collection install --force -p "$DEMO/collections" "$DEMO"/dist/dukcapil-cctv-*.tar.gz >/dev/null

echo "== Starting the simulated site ($SITE)"
python -m camsim start "$SITE" --state-file "$STATE" --log "$DEMO/simulator.log"
trap 'python -m camsim stop --state-file "$STATE" >/dev/null 2>&1 || true' EXIT

echo "== Surveying every camera over ONVIF (ansible-playbook)"
ansible-playbook -i inventory/demo playbooks/camera_survey.yml -e camera_survey_dest="$DEMO/survey"

echo
echo "== The site's cameras ($DEMO/survey/cameras.csv)"
python - "$DEMO/survey/cameras.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1])))
widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
for r in rows:
    print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
PY
