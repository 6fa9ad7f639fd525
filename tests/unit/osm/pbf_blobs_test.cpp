// The PBF blob framing (osm/pbf_blobs.hpp): where each blob lies, what a cut file still lists,
// and the copies pass 1 reads.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "osm/pbf_blobs.hpp"
#include "osm_test_support.hpp"

namespace sightline::osm {
namespace {

using testing::file_bytes;
using testing::fixture;

// basic_sorted.osm.pbf (`osmium sort` of basic.osm): the header blob, then one blob each of
// nodes, ways and relations.
TEST(PbfBlobs, ListsEachBlobWhereItLies) {
    const auto path = fixture("basic_sorted.osm.pbf");
    auto blobs = list_pbf_blobs(path);
    ASSERT_TRUE(blobs) << blobs.error().message;
    ASSERT_EQ(blobs->size(), 4u);
    EXPECT_TRUE(blobs->front().is_header);
    std::uint64_t next = 0;
    for (std::size_t i = 0; i < blobs->size(); ++i) {
        EXPECT_EQ((*blobs)[i].offset, next) << i;
        EXPECT_EQ((*blobs)[i].is_header, i == 0) << i;
        next += (*blobs)[i].bytes;
    }
    EXPECT_EQ(next, std::filesystem::file_size(path));
}

TEST(PbfBlobs, ListsOnlyTheWholeBlobsOfACutFile) {
    const std::string whole = file_bytes(fixture("basic_sorted.osm.pbf"));
    auto all = list_pbf_blobs(fixture("basic_sorted.osm.pbf"));
    ASSERT_TRUE(all);
    const auto& last = all->back();
    testing::TempDir dir;
    const auto cut = dir.path() / "cut.osm.pbf";
    for (std::uint64_t keep : {last.offset + last.bytes - 1, last.offset + 2, last.offset}) {
        std::ofstream(cut, std::ios::binary | std::ios::trunc) << whole.substr(0, keep);
        auto blobs = list_pbf_blobs(cut);
        ASSERT_TRUE(blobs) << blobs.error().message;
        EXPECT_EQ(blobs->size(), all->size() - 1) << "cut after " << keep << " bytes";
    }
}

TEST(PbfBlobs, FailsOnAFileThatCannotBeOpened) {
    auto blobs = list_pbf_blobs(fixture("no_such_file.osm.pbf"));
    ASSERT_FALSE(blobs);
    EXPECT_EQ(blobs.error().code, Errc::not_found);
}

// Pass 1's input: the header blob and the last one, in memory and in an unlinked file that is
// read by its /proc/self/fd name and leaves nothing in the folder.
TEST(PbfBlobs, CopiesSomeBlobsInOrder) {
    const auto path = fixture("basic_sorted.osm.pbf");
    auto blobs = list_pbf_blobs(path);
    ASSERT_TRUE(blobs);
    const PbfBlob picked[] = {blobs->front(), blobs->back()};
    const std::string whole = file_bytes(path);
    const std::string expected =
        whole.substr(picked[0].offset, picked[0].bytes) + whole.substr(picked[1].offset);
    EXPECT_EQ(read_pbf_blobs(path, picked), expected);

    testing::TempDir dir;
    {
        PbfBlobCopy copy(path, picked, dir.path());
        EXPECT_EQ(copy.bytes(), expected.size());
        EXPECT_EQ(file_bytes(copy.name()), expected);
        EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
    }
    EXPECT_THROW(PbfBlobCopy(path, picked, dir.path() / "no_such_folder"), sightline::Exception);
}

}  // namespace
}  // namespace sightline::osm
