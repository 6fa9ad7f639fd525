#pragma once
// Who the client is behind a reverse proxy. Only a peer inside a --trusted-proxy range is
// believed when it says, in `Forwarded` (RFC 7239) or `X-Forwarded-For` / `X-Forwarded-Proto`,
// whom it forwards for and over which scheme; from anyone else those headers are ignored, so a
// client cannot pick its own rate-limit key. The address found is only ever hashed
// (client_key.hpp), never logged or stored.

#include <array>
#include <optional>
#include <span>
#include <string_view>

#include "core/error.hpp"

namespace sightline::http {

/// An IP address as bytes: IPv4 in the first 4 (v4-mapped IPv6 is stored as IPv4), IPv6 in 16.
struct IpAddress {
    std::array<unsigned char, 16> bytes{};
    bool v4 = true;

    /// "203.0.113.7", "2001:db8::1"; nullopt for anything else.
    static std::optional<IpAddress> parse(std::string_view text);
    [[nodiscard]] std::span<const unsigned char> view() const noexcept {
        return {bytes.data(), v4 ? 4u : 16u};
    }
    friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

/// An address range: "10.0.0.0/8", "fd00::/8", or one address ("127.0.0.1" = /32).
struct AddressRange {
    IpAddress network;
    int prefix_bits = 0;

    /// invalid_argument with a readable message for anything else.
    static Result<AddressRange> parse(std::string_view text);
    [[nodiscard]] bool contains(const IpAddress& address) const noexcept;
};

struct ForwardedClient {
    IpAddress address;   ///< whom the rate limits are for
    bool https = false;  ///< the trusted proxy says the client used https
};

/// The client of a request from `peer` with these header values (empty when absent). When the
/// peer is trusted, the address is the right-most one in the forwarding chain that is not itself
/// a trusted proxy (the entries to its left were written by the client and prove nothing); an
/// unreadable chain gives the peer. `Forwarded` wins over the X- headers when both are present.
ForwardedClient forwarded_client(const IpAddress& peer, std::string_view forwarded,
                                 std::string_view x_forwarded_for,
                                 std::string_view x_forwarded_proto,
                                 std::span<const AddressRange> trusted);

}  // namespace sightline::http
