#!/bin/sh
# check_nodiscard.sh CXX SOURCE_DIR: a dropped tg::Result fails the build; a used one does not.
set -u
cxx=$1; src=$2
flags="-std=c++23 -fsyntax-only -Werror=unused-result -I$src"
$cxx $flags "$src/tests/graph/dropped_result.cpp" || { echo "the snippet does not build even with its result used"; exit 1; }
if out=$($cxx $flags -DDROP "$src/tests/graph/dropped_result.cpp" 2>&1); then
  echo "a dropped tg::Result compiled"; exit 1
fi
echo "$out" | grep -q "nodiscard" || { echo "refused, but not for the dropped result:"; echo "$out"; exit 1; }
echo "a dropped tg::Result is refused"
