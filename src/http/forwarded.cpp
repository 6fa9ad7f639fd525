#include "http/forwarded.hpp"

#include "http/field_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include <fmt/core.h>
#include <boost/asio/ip/address.hpp>

namespace sightline::http {
namespace {

namespace ip = boost::asio::ip;

// v4-mapped IPv6 (::ffff:a.b.c.d, what a dual-stack socket reports) as plain IPv4.
IpAddress from_asio(const ip::address& a) {
    IpAddress out;
    if (a.is_v6() && a.to_v6().is_v4_mapped()) {
        const auto v4 = ip::make_address_v4(ip::v4_mapped, a.to_v6()).to_bytes();
        std::copy(v4.begin(), v4.end(), out.bytes.begin());
    } else if (a.is_v4()) {
        const auto v4 = a.to_v4().to_bytes();
        std::copy(v4.begin(), v4.end(), out.bytes.begin());
    } else {
        out.v4 = false;
        out.bytes = a.to_v6().to_bytes();
    }
    return out;
}

std::vector<std::string_view> split(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    while (true) {
        const auto at = s.find(separator);
        parts.push_back(trim_whitespace(s.substr(0, at)));
        if (at == std::string_view::npos) break;
        s.remove_prefix(at + 1);
    }
    return parts;
}

// One node of a chain: "203.0.113.7", "203.0.113.7:4711", "[2001:db8::1]:4711", "\"[...]\"".
std::optional<IpAddress> node_address(std::string_view node) {
    node = trim_whitespace(node);
    if (node.size() >= 2 && node.front() == '"' && node.back() == '"')
        node = node.substr(1, node.size() - 2);
    if (!node.empty() && node.front() == '[') {
        const auto close = node.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        node = node.substr(1, close - 1);
    } else if (std::count(node.begin(), node.end(), ':') == 1) {
        node = node.substr(0, node.find(':'));  // IPv4 with a port
    }
    return IpAddress::parse(node);
}

bool is_trusted(const IpAddress& a, std::span<const AddressRange> trusted) {
    return std::ranges::any_of(trusted, [&](const AddressRange& r) { return r.contains(a); });
}

// The chain's addresses, nearest proxy last; nullopt when an entry cannot be read (obfuscated
// identifiers, "unknown", garbage).
std::optional<std::vector<IpAddress>> chain_of(std::string_view forwarded,
                                               std::string_view x_forwarded_for) {
    std::vector<IpAddress> chain;
    if (!trim_whitespace(forwarded).empty()) {
        for (std::string_view element : split(forwarded, ',')) {
            std::optional<IpAddress> found;
            for (std::string_view pair : split(element, ';')) {
                const auto eq = pair.find('=');
                if (eq == std::string_view::npos) continue;
                if (!equals_ignoring_case(trim_whitespace(pair.substr(0, eq)), "for")) continue;
                found = node_address(pair.substr(eq + 1));
                if (!found) return std::nullopt;
            }
            if (!found) return std::nullopt;
            chain.push_back(*found);
        }
        return chain;
    }
    if (trim_whitespace(x_forwarded_for).empty()) return chain;
    for (std::string_view node : split(x_forwarded_for, ',')) {
        auto address = node_address(node);
        if (!address) return std::nullopt;
        chain.push_back(*address);
    }
    return chain;
}

bool says_https(std::string_view forwarded, std::string_view x_forwarded_proto) {
    if (!trim_whitespace(forwarded).empty()) {
        // The scheme the client used is in the first element (the proxy nearest the client).
        for (std::string_view pair : split(split(forwarded, ',').front(), ';')) {
            const auto eq = pair.find('=');
            if (eq != std::string_view::npos &&
                equals_ignoring_case(trim_whitespace(pair.substr(0, eq)), "proto"))
                return equals_ignoring_case(trim_whitespace(pair.substr(eq + 1)), "https");
        }
        return false;
    }
    return equals_ignoring_case(split(x_forwarded_proto, ',').front(), "https");
}

}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    boost::system::error_code ec;
    const auto address = ip::make_address(std::string(text), ec);
    if (ec) return std::nullopt;
    return from_asio(address);
}

Result<AddressRange> AddressRange::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = IpAddress::parse(text.substr(0, slash));
    const auto bad = [&] {
        return fail(Errc::invalid_argument,
                    fmt::format("'{}' is not an address range (like 10.0.0.0/8, 127.0.0.1 or "
                                "fd00::/8)",
                                text));
    };
    if (!address) return bad();
    AddressRange range{*address, 0};
    const int max_bits = range.network.v4 ? 32 : 128;
    range.prefix_bits = max_bits;
    if (slash != std::string_view::npos) {
        const auto bits = text.substr(slash + 1);
        auto [end, err] =
            std::from_chars(bits.data(), bits.data() + bits.size(), range.prefix_bits);
        if (err != std::errc() || end != bits.data() + bits.size() || bits.empty() ||
            range.prefix_bits < 0 || range.prefix_bits > max_bits)
            return bad();
    }
    return range;
}

bool AddressRange::contains(const IpAddress& address) const noexcept {
    if (address.v4 != network.v4) return false;
    int bits = prefix_bits;
    for (std::size_t i = 0; i < address.view().size() && bits > 0; ++i, bits -= 8) {
        const unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if ((address.bytes[i] & mask) != (network.bytes[i] & mask)) return false;
    }
    return true;
}

ForwardedClient forwarded_client(const IpAddress& peer, std::string_view forwarded,
                                 std::string_view x_forwarded_for,
                                 std::string_view x_forwarded_proto,
                                 std::span<const AddressRange> trusted) {
    if (!is_trusted(peer, trusted)) return {peer, false};
    ForwardedClient client{peer, says_https(forwarded, x_forwarded_proto)};
    const auto chain = chain_of(forwarded, x_forwarded_for);
    if (!chain) return client;
    for (auto it = chain->rbegin(); it != chain->rend(); ++it) {
        client.address = *it;
        if (!is_trusted(*it, trusted)) break;
    }
    return client;
}

}  // namespace sightline::http
