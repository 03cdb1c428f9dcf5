// SHA-256 (FIPS 180-4), for content hashes of sources and one-way digests of forgotten people.
#pragma once

#include <string>
#include <string_view>

namespace tg {

std::string sha256_hex(std::string_view data);

}  // namespace tg
