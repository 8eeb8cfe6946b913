#!/usr/bin/env bash
# The original project's scale, measured: N photo-sized JPEGs (default 12,800, about 640 x 480, cut
# from real photos in packages) through `lennonnet dataset` and then `lennonnet train` with the real
# ImageNet weights for 32 epochs, each under /usr/bin/time -v (wall time and peak RSS).
# docs/performance.md has the figures. Knobs: N, WORK (default /tmp/lennonnet-photo-scale), EPOCHS.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
N=${N:-12800}
EPOCHS=${EPOCHS:-32}
WORK=${WORK:-/tmp/lennonnet-photo-scale}
JAR=$HERE/lennonnet-app/target/lennonnet.jar
[ -f "$JAR" ] || (cd "$HERE" && mvn -B -q -DskipTests install)
rm -rf "$WORK" && mkdir -p "$WORK"
(cd "$HERE" && mvn -B -q -pl lennonnet-app exec:java -Dexec.classpathScope=test \
  -Dexec.mainClass=net.lennonnet.app.PhotoScaleImages -Dexec.args="$WORK/raw $N")
WEIGHTS=$(java -jar "$JAR" weights fetch | tail -1)
/usr/bin/time -v -o "$WORK/dataset.time" java -jar "$JAR" dataset --raw "$WORK/raw" --out "$WORK/ds" \
  > "$WORK/dataset.log" 2>&1
/usr/bin/time -v -o "$WORK/train.time" java -jar "$JAR" train --data "$WORK/ds" --out "$WORK/model" \
  --weights "$WEIGHTS" --epochs "$EPOCHS" --patience "$EPOCHS" --no-dashboard > "$WORK/train.log" 2>&1
for step in dataset train; do
  echo "$step: $(grep -E 'Elapsed \(wall' "$WORK/$step.time" | sed 's/.*: //') wall," \
    "peak RSS $(( $(grep 'Maximum resident' "$WORK/$step.time" | awk '{print $NF}') / 1024 )) MiB"
done
tail -1 "$WORK/train.log"
