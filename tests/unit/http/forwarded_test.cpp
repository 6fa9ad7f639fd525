// Who the client is behind a reverse proxy: believed only from trusted peers, the right-most
// untrusted address of the chain, and nothing a client writes itself.

#include "http/forwarded.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sightline::http {
namespace {

IpAddress ip(std::string_view text) {
    auto a = IpAddress::parse(text);
    EXPECT_TRUE(a) << text;
    return a.value_or(IpAddress{});
}

std::vector<AddressRange> ranges(std::initializer_list<std::string_view> texts) {
    std::vector<AddressRange> out;
    for (auto t : texts)
        out.push_back(*AddressRange::parse(t));
    return out;
}

TEST(AddressRange, ParsesAddressesAndPrefixesAndRefusesTheRest) {
    EXPECT_TRUE(AddressRange::parse("10.0.0.0/8")->contains(ip("10.200.3.4")));
    EXPECT_FALSE(AddressRange::parse("10.0.0.0/8")->contains(ip("11.0.0.1")));
    EXPECT_TRUE(AddressRange::parse("127.0.0.1")->contains(ip("127.0.0.1")));
    EXPECT_FALSE(AddressRange::parse("127.0.0.1")->contains(ip("127.0.0.2")));
    EXPECT_TRUE(AddressRange::parse("fd00::/8")->contains(ip("fd12::1")));
    EXPECT_FALSE(AddressRange::parse("fd00::/8")->contains(ip("10.0.0.1")));
    EXPECT_TRUE(AddressRange::parse("172.16.0.0/12")->contains(ip("172.31.255.255")));
    EXPECT_FALSE(AddressRange::parse("172.16.0.0/12")->contains(ip("172.32.0.0")));
    EXPECT_TRUE(AddressRange::parse("10.0.0.0/8")->contains(ip("::ffff:10.1.2.3")))
        << "a dual-stack socket's v4-mapped address is IPv4";
    for (auto bad : {"", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x", "example.org", "::/129",
                     "10.0.0.0/8/8", "1.2.3.4 "})
        EXPECT_FALSE(AddressRange::parse(bad)) << bad;
}

TEST(ForwardedClient, HeadersFromAnUntrustedPeerAreIgnored) {
    const auto trusted = ranges({"10.0.0.1"});
    const auto client = forwarded_client(ip("198.51.100.9"), "for=203.0.113.1;proto=https",
                                         "203.0.113.2", "https", trusted);
    EXPECT_EQ(client.address, ip("198.51.100.9"));
    EXPECT_FALSE(client.https);
}

TEST(ForwardedClient, ATrustedProxyNamesTheClient) {
    const auto trusted = ranges({"10.0.0.0/8"});
    auto client = forwarded_client(ip("10.0.0.1"), "", "203.0.113.7", "https", trusted);
    EXPECT_EQ(client.address, ip("203.0.113.7"));
    EXPECT_TRUE(client.https);
    client =
        forwarded_client(ip("10.0.0.1"), R"(for="[2001:db8::7]:4711";proto=http)", "", "", trusted);
    EXPECT_EQ(client.address, ip("2001:db8::7"));
    EXPECT_FALSE(client.https);
    client = forwarded_client(ip("10.0.0.1"), "", "203.0.113.7:5555", "", trusted);
    EXPECT_EQ(client.address, ip("203.0.113.7")) << "a port is not part of the address";
}

TEST(ForwardedClient, WhatTheClientWroteLeftOfTheTrustedChainProvesNothing) {
    const auto trusted = ranges({"10.0.0.0/8"});
    // The client sent "X-Forwarded-For: 1.1.1.1"; nginx appended the address it saw, and a
    // second proxy inside the network appended the first proxy's.
    auto client =
        forwarded_client(ip("10.0.0.2"), "", "1.1.1.1, 203.0.113.7, 10.0.0.1", "", trusted);
    EXPECT_EQ(client.address, ip("203.0.113.7"));
    client = forwarded_client(ip("10.0.0.2"), "for=1.1.1.1, for=203.0.113.7", "", "", trusted);
    EXPECT_EQ(client.address, ip("203.0.113.7"));
}

TEST(ForwardedClient, AnUnreadableChainGivesThePeer) {
    const auto trusted = ranges({"10.0.0.0/8"});
    for (auto chain : {"unknown", "_hidden", "300.1.1.1", "203.0.113.7, garbage"})
        EXPECT_EQ(forwarded_client(ip("10.0.0.3"), "", chain, "", trusted).address, ip("10.0.0.3"))
            << chain;
    EXPECT_EQ(forwarded_client(ip("10.0.0.3"), "for=unknown", "", "", trusted).address,
              ip("10.0.0.3"));
    EXPECT_EQ(forwarded_client(ip("10.0.0.3"), "", "", "", trusted).address, ip("10.0.0.3"))
        << "no header: the proxy itself";
}

}  // namespace
}  // namespace sightline::http
