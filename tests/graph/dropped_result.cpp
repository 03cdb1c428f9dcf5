// Compiled by the test `graph_result_is_nodiscard` (check_nodiscard.sh): with DROP defined the
// compiler must refuse it for the dropped tg::Result (libstdc++ 12's std::expected alone would
// build), and without DROP it must build, so the refusal is about the dropped value.
#include "graph/error.h"

tg::Result<int> answer() { return 42; }

int main() {
#ifdef DROP
  answer();
#else
  (void)answer();
#endif
  return 0;
}
