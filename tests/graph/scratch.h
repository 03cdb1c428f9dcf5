// Moved to tests/support/scratch.h; this forward stays until tests/ingest/ and
// tests/queries/entities_test.cpp include the new path.
#pragma once

#include "tests/support/scratch.h"
