// SHA-256 (FIPS 180-4), for content hashes of sources and one-way digests of forgotten people,
// and HMAC-SHA-256, for the keyed digests the store keeps of them.
#pragma once

#include <string>
#include <string_view>

namespace tg {

std::string sha256_hex(std::string_view data);
// The 32 bytes of the digest.
std::string sha256_bytes(std::string_view data);
// HMAC-SHA-256 (RFC 2104) of `message` under `key`, lower-case hex.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

}  // namespace tg
