// SectionFile: arrays written and mapped back, and every kind of damaged or foreign file refused.
#include "core/section_file.hpp"

#include <fstream>
#include <numeric>

#include <gtest/gtest.h>

#include "core/shared_array.hpp"

namespace sightline::core {
namespace {

namespace fs = std::filesystem;

class SectionFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        m_dir = fs::temp_directory_path() /
                ("sightline-section-" +
                 std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(m_dir);
    }
    void TearDown() override { fs::remove_all(m_dir); }

    fs::path write_sample() {
        SectionFileWriter writer("SLTEST", 3);
        writer.add(1, std::span<const std::int32_t>(m_ints));
        writer.add(2, std::span<const double>(m_doubles));
        const std::uint64_t small[] = {7, 8};
        writer.add_copy(3, std::span<const std::uint64_t>(small));
        writer.add(4, std::span<const std::int32_t>());  // empty sections are fine
        auto path = m_dir / "sample.bin";
        EXPECT_TRUE(writer.write(path));
        return path;
    }
    static void flip_byte(const fs::path& path, std::size_t at) {
        std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
        file.seekg(static_cast<std::streamoff>(at));
        char c = 0;
        file.read(&c, 1);
        c = static_cast<char>(c ^ 0x10);
        file.seekp(static_cast<std::streamoff>(at));
        file.write(&c, 1);
    }
    static std::string refusal(const fs::path& path, std::string_view magic = "SLTEST",
                               std::uint32_t version = 3) {
        auto file = SectionFile::open(path, magic, version);
        EXPECT_FALSE(file);
        return file ? std::string() : file.error().message;
    }

    fs::path m_dir;
    std::vector<std::int32_t> m_ints = std::vector<std::int32_t>(1000);
    std::vector<double> m_doubles{1.5, -2.25, 1e300};
};

TEST_F(SectionFileTest, MapsBackWhatWasWritten) {
    std::iota(m_ints.begin(), m_ints.end(), -500);
    auto path = write_sample();
    auto file = SectionFile::open(path, "SLTEST", 3);
    ASSERT_TRUE(file) << file.error().message;
    auto ints = (*file)->section<std::int32_t>(1);
    ASSERT_TRUE(ints);
    EXPECT_TRUE(std::equal(ints->begin(), ints->end(), m_ints.begin(), m_ints.end()));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(ints->data()) % 64, 0u);
    auto doubles = (*file)->section<double>(2);
    ASSERT_TRUE(doubles);
    EXPECT_TRUE(std::equal(doubles->begin(), doubles->end(), m_doubles.begin(), m_doubles.end()));
    auto small = (*file)->section<std::uint64_t>(3);
    ASSERT_TRUE(small);
    ASSERT_EQ(small->size(), 2u);
    EXPECT_EQ((*small)[1], 8u);
    auto empty = (*file)->section<std::int32_t>(4);
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    // A view keeps the mapping alive after the file object is gone.
    SharedArray<std::int32_t> view(*ints, *file);
    file->reset();
    EXPECT_EQ(view[999], 499);
    EXPECT_FALSE(view.owned());
}

TEST_F(SectionFileTest, RefusesAMissingSectionOrAnotherElementSize) {
    auto file = SectionFile::open(write_sample(), "SLTEST", 3);
    ASSERT_TRUE(file);
    EXPECT_FALSE((*file)->section<std::int32_t>(9));
    auto wrong = (*file)->section<std::int64_t>(1);
    ASSERT_FALSE(wrong);
    EXPECT_NE(wrong.error().message.find("4-byte"), std::string::npos) << wrong.error().message;
}

TEST_F(SectionFileTest, RefusesADamagedFileAnywhere) {
    auto path = write_sample();
    const auto size = fs::file_size(path);
    // One flipped bit in the table, in a section and in the padding at the end.
    for (std::size_t at : {std::size_t{40}, std::size_t{200}, static_cast<std::size_t>(size - 1)}) {
        path = write_sample();
        flip_byte(path, at);
        EXPECT_NE(refusal(path).find("checksum"), std::string::npos) << "byte " << at;
    }
}

TEST_F(SectionFileTest, RefusesATruncatedForeignOrOlderFile) {
    auto path = write_sample();
    fs::resize_file(path, fs::file_size(path) - 64);
    EXPECT_NE(refusal(path).find("header says"), std::string::npos);
    path = write_sample();
    EXPECT_NE(refusal(path, "SLOTHER").find("not this kind"), std::string::npos);
    EXPECT_NE(refusal(path, "SLTEST", 4).find("format version 3"), std::string::npos);
    fs::resize_file(path, 10);
    EXPECT_NE(refusal(path).find("header"), std::string::npos);
    auto missing = SectionFile::open(m_dir / "none.bin", "SLTEST", 3);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, Errc::not_found);
    std::ofstream(m_dir / "text.bin") << "routing data, honestly";
    EXPECT_FALSE(SectionFile::open(m_dir / "text.bin", "SLTEST", 3));
}

TEST_F(SectionFileTest, ReplacesAnOldFileWholeAndLeavesNoTemporaryFile) {
    auto path = write_sample();
    m_ints.assign(10, 42);
    write_sample();
    auto file = SectionFile::open(path, "SLTEST", 3);
    ASSERT_TRUE(file);
    EXPECT_EQ((*file)->section<std::int32_t>(1)->size(), 10u);
    std::size_t entries = 0;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(m_dir))
        ++entries;
    EXPECT_EQ(entries, 1u);
}

TEST_F(SectionFileTest, AStreamWritesSectionsAsTheyComeAndNothingUntilCommitted) {
    const auto path = m_dir / "stream.bin";
    {
        auto stream = SectionFileStream::create(path, "SLTEST", 3);
        ASSERT_TRUE(stream);
        std::vector<double> values(1000, 2.5);
        ASSERT_TRUE(stream->add(7, std::span<const double>(values)));
        values.assign(values.size(), 0);  // written already: the caller may reuse it
        const std::uint8_t odd[] = {1, 2, 3};
        ASSERT_TRUE(stream->add(8, std::span<const std::uint8_t>(odd)));
        EXPECT_FALSE(fs::exists(path)) << "the file appears only when committed";
        ASSERT_TRUE(stream->commit());
        EXPECT_FALSE(stream->commit()) << "committed once";
    }
    auto file = SectionFile::open(path, "SLTEST", 3);
    ASSERT_TRUE(file) << file.error().message;
    auto doubles = (*file)->section<double>(7);
    ASSERT_TRUE(doubles);
    ASSERT_EQ(doubles->size(), 1000u);
    EXPECT_EQ(doubles->back(), 2.5);
    auto bytes = (*file)->section<std::uint8_t>(8);
    ASSERT_TRUE(bytes);
    EXPECT_EQ(std::vector<std::uint8_t>(bytes->begin(), bytes->end()),
              (std::vector<std::uint8_t>{1, 2, 3}));

    // A stream dropped before its commit leaves neither the file nor its temporary.
    fs::remove(path);
    {
        auto stream = SectionFileStream::create(path, "SLTEST", 3);
        ASSERT_TRUE(stream);
        ASSERT_TRUE(stream->add(7, std::span<const std::uint8_t>(std::vector<std::uint8_t>{4, 5})));
    }
    EXPECT_TRUE(fs::is_empty(m_dir));
}

TEST_F(SectionFileTest, TwoWritersOfOneFileInOneProcessDoNotMix) {
    // A server's build and its background write may both write the prepared file.
    const auto path = m_dir / "both.bin";
    auto first = SectionFileStream::create(path, "SLTEST", 3);
    auto second = SectionFileStream::create(path, "SLTEST", 3);
    ASSERT_TRUE(first && second);
    const std::vector<std::int32_t> ones(5000, 1);
    const std::vector<std::int32_t> twos(3000, 2);
    ASSERT_TRUE(first->add(1, std::span<const std::int32_t>(ones)));
    ASSERT_TRUE(second->add(1, std::span<const std::int32_t>(twos)));
    ASSERT_TRUE(first->commit());
    ASSERT_TRUE(second->commit());
    auto file = SectionFile::open(path, "SLTEST", 3);
    ASSERT_TRUE(file) << file.error().message;
    auto values = (*file)->section<std::int32_t>(1);
    ASSERT_TRUE(values);
    EXPECT_EQ(std::vector<std::int32_t>(values->begin(), values->end()), twos);
}

TEST_F(SectionFileTest, ReleasedPagesOfAMappingAreReadBackFromTheFile) {
    const auto path = m_dir / "pages.bin";
    std::vector<std::uint64_t> values(100'000);
    std::iota(values.begin(), values.end(), std::uint64_t{7});
    {
        auto stream = SectionFileStream::create(path, "SLTEST", 3);
        ASSERT_TRUE(stream);
        ASSERT_TRUE(stream->add(1, std::span<const std::uint64_t>(values)));
        ASSERT_TRUE(stream->commit());
    }
    auto file = SectionFile::open(path, "SLTEST", 3);
    ASSERT_TRUE(file);
    auto mapped = (*file)->section<std::uint64_t>(1);
    ASSERT_TRUE(mapped);
    ASSERT_TRUE(std::equal(mapped->begin(), mapped->end(), values.begin(), values.end()));
    release_mapped_pages(std::as_bytes(*mapped));
    EXPECT_TRUE(std::equal(mapped->begin(), mapped->end(), values.begin(), values.end()));
}

TEST(SharedArrayTest, CopiesShareUntilOneIsChanged) {
    SharedArray<int> a(std::vector<int>{1, 2, 3});
    SharedArray<int> b = a;
    EXPECT_EQ(a.data(), b.data());
    b.make_mutable()[0] = 10;
    EXPECT_EQ(a[0], 1);  // a published snapshot never changes
    EXPECT_EQ(b[0], 10);
    const int* before = b.data();
    b.make_mutable()[1] = 20;  // b owns its copy alone now: changed in place
    EXPECT_EQ(b.data(), before);
    EXPECT_EQ(b[1], 20);
}

TEST(SharedArrayTest, AViewIsCopiedIntoMemoryWhenChanged) {
    auto owner = std::make_shared<std::vector<int>>(std::vector<int>{4, 5});
    SharedArray<int> view(std::span<const int>(*owner), owner);
    EXPECT_FALSE(view.owned());
    view.make_mutable()[0] = 9;
    EXPECT_TRUE(view.owned());
    EXPECT_EQ((*owner)[0], 4);
    EXPECT_EQ(view[0], 9);
}

TEST(Checksum64Test, DependsOnEveryByteAndItsPlace) {
    std::vector<std::byte> bytes(100, std::byte{1});
    const auto base = checksum64(bytes);
    for (std::size_t i : {0, 31, 32, 99}) {
        auto changed = bytes;
        changed[i] = std::byte{2};
        EXPECT_NE(checksum64(changed), base) << i;
    }
    bytes.push_back(std::byte{0});
    EXPECT_NE(checksum64(bytes), base);  // a trailing zero counts
}

}  // namespace
}  // namespace sightline::core
