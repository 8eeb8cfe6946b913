#!/usr/bin/env bash
# Lennonnet's performance table beside the peer engines, in one command (docs/performance.md):
#   1. the shared peer harness (../shared/bench-peers) with ONNX Runtime Java and Lennonnet's own
#      ResNet-50 forward benchmark as its "ext" engine (three times: the whole graph in DL4J, the backbone on
#      ONNX Runtime as LennonNet answers by default, and the same in int8 as a `train --precision int8` model
#      answers, calibrated on 32 photo-sized JPEGs cut from real photos), under the same protocol and malloc modes;
#   2. `lennonnet benchmark --peer-results`, which prints the table with the peers' figures and the ratio.
# Knobs: ENGINES (default "ort ext"; "torch ort djl ext" adds the slower peers), PEERS (harness folder),
# PEERS_WORK (its scratch folder), BENCH_ARGS (extra arguments for `lennonnet benchmark`).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${PEERS:-$HERE/../shared/bench-peers}
export PEERS_WORK=${PEERS_WORK:-/tmp/peers-bench}
JAR=$HERE/lennonnet-app/target/lennonnet.jar

if [ ! -f "$JAR" ]; then
  (cd "$HERE" && mvn -B -q -DskipTests package)
fi
if [ ! -x /usr/bin/python3 ] || ! /usr/bin/python3 -c 'import torch, torchvision' 2>/dev/null; then
  echo "the peer harness exports its models with Debian's PyTorch:" \
    "apt-get install -y python3-torch python3-torchvision" >&2
  exit 1
fi
mkdir -p "$PEERS_WORK/logs"
# the int8 backbone's calibration photos (cut from skimage's and face-api's photos, fetched by their package clients)
if [ ! -d "$PEERS_WORK/calibration/not_john" ]; then
  (cd "$HERE" && mvn -B -q -pl lennonnet-app exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass=net.lennonnet.app.PhotoScaleImages -Dexec.args="$PEERS_WORK/calibration 32")
fi
ENGINES=${ENGINES:-"ort ext"} \
  EXT_CMD="for e in dl4j onnxruntime int8; do LENNONNET_ENGINE=\$e LENNONNET_CALIBRATION=$PEERS_WORK/calibration java -XX:ErrorFile=$PEERS_WORK/logs/hs_err_ext_%p.log -cp $JAR net.lennonnet.app.bench.ForwardBench 16 1 32; done" \
  bash "$PEERS/run.sh"
java -jar "$JAR" benchmark --peer-results "$PEERS_WORK/results.txt" ${BENCH_ARGS:-}
