#!/usr/bin/env bash
# The CLI contract of predict, sweep, calibrate and validate: results exit 0; bad input exits 2 with one
# line "looplab: error: KEY: ..." naming the key.  Usage: cli_contract.sh LOOPLAB STUDY_SPECS TEST_SPECS
set -u
looplab=$1 study=$2 specs=$3
fail=0
expect() {  # expect CODE KEY command...
  local code=$1 key=$2
  shift 2
  local err rc
  err=$("$looplab" "$@" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -ne $code ]]; then
    echo "FAIL: looplab $* exited $rc, want $code: $err"
    fail=1
  elif [[ -n $key && $err != "looplab: error: $key:"* ]]; then
    echo "FAIL: looplab $* does not name '$key': $err"
    fail=1
  elif [[ $code -eq 2 && $(printf '%s\n' "$err" | wc -l) -ne 1 ]]; then
    echo "FAIL: looplab $* printed more than one line: $err"
    fail=1
  fi
}
expect 0 "" predict --variant plt --loops 2 --batch 4 --context 4096 --hardware h200
expect 0 "" predict --ladder --batch 32 --context 4096 --hardware h100-sxm --json
expect 0 "" predict --model tiny --hardware a100-80gb --csv
expect 0 "" sweep "$study/paper-ladder-h200.json" --no-progress
expect 0 "" predict --model llama-3-8b --engine vllm --hardware h100-sxm --batch 8 --context 1024
expect 0 "" predict --model llama-3-8b --cost-model roofline --hardware rtx-4090 --ceiling datasheet
expect 0 "" validate --fit priors --quiet
expect 2 hardware predict --hardware h300
expect 2 kv_heads predict --kv-heads 5
expect 2 loops predict --variant plt --loops 100
expect 2 batch predict --batch 0
expect 2 launch predict --launch graphs
expect 2 calibration predict --calibration no-such-calibration.json
expect 2 engine predict --engine no-such-engine
expect 2 cost-model predict --cost-model magic
expect 2 fit validate --fit everything
expect 2 write-fit validate --fit priors --write-fit
expect 2 validation validate --set no-such-set.json
expect 2 batchs sweep "$study/typo-example.json"
expect 2 contexts sweep "$specs/empty-axis.json"
expect 2 spec sweep "$specs/truncated.json"
expect 2 loops sweep "$specs/impossible-loops.json"
expect 2 max-points sweep "$study/design-space.json" --max-points 10
expect 2 records calibrate no-such-records.json
[[ $fail -eq 0 ]] && echo "cli contract: all checks passed"
exit $fail
