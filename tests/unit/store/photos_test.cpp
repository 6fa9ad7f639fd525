// Photo records of reports, their files, near-duplicate lookup and clean-up after withdrawal.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <vector>

#include "store/photo_files.hpp"
#include "store_test_support.hpp"

namespace sightline::store::testing {

using Photos = StoreTest;

namespace {
model::PhotoRecord photo(char fill, std::uint64_t hash) {
    model::PhotoRecord p;
    p.sha256 = std::string(64, fill);
    p.format = "jpeg";
    p.width = 640;
    p.height = 480;
    p.byte_size = 12345;
    p.faces_blurred = 2;
    p.perceptual_hash = hash;
    return p;
}
}  // namespace

TEST_F(Photos, AReportKeepsItsPhotosInUploadOrder) {
    auto input = belgrade_report();
    input.photos = {photo('b', 0xF0F0F0F0F0F0F0F0ULL), photo('a', 0x8000000000000001ULL)};
    auto id = store->insert_report(input, withdraw_hash_a, report_time);
    ASSERT_TRUE(id) << id.error().message;
    auto report = store->find_report(*id);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->photos, input.photos);  // the high bit of the hash survives the INTEGER
    auto listed = store->list_reports({});
    ASSERT_EQ(listed.size(), 1u);
    EXPECT_EQ(listed[0].photos, input.photos);
    auto found = store->find_photo(std::string(64, 'a'));
    ASSERT_TRUE(found);
    EXPECT_EQ(*found, input.photos[1]);
    EXPECT_EQ(store->find_photo(std::string(64, 'c')).error().code, Errc::not_found);
}

TEST_F(Photos, TheSamePictureInTwoReportsIsOneRecord) {
    auto input = belgrade_report();
    input.photos = {photo('a', 1)};
    ASSERT_TRUE(store->insert_report(input, withdraw_hash_a, report_time));
    ASSERT_TRUE(store->insert_report(input, withdraw_hash_b, report_time));
    EXPECT_EQ(count("SELECT count(*) FROM photos"), 1);
    EXPECT_EQ(count("SELECT count(*) FROM report_photos"), 2);
}

TEST_F(Photos, AFailedInsertLeavesNeitherReportNorPhotoRows) {
    auto input = belgrade_report();
    input.photos = {photo('a', 1)};
    input.photos[0].width = 0;  // incomplete record
    EXPECT_FALSE(store->insert_report(input, withdraw_hash_a, report_time));
    input.photos = {photo('a', 1), photo('b', 2), photo('c', 3), photo('d', 4), photo('e', 5)};
    EXPECT_EQ(store->insert_report(input, withdraw_hash_a, report_time).error().code,
              Errc::too_large);
    EXPECT_EQ(count("SELECT count(*) FROM reports"), 0);
    EXPECT_EQ(count("SELECT count(*) FROM photos"), 0);
}

TEST_F(Photos, WithdrawalUnlinksThePhotosAndCleanUpDeletesOnlyUnreferencedOnes) {
    auto first = belgrade_report();
    first.photos = {photo('a', 1), photo('b', 2)};
    auto second = belgrade_report();
    second.photos = {photo('b', 2)};
    auto id = store->insert_report(first, withdraw_hash_a, report_time);
    ASSERT_TRUE(id);
    ASSERT_TRUE(store->insert_report(second, withdraw_hash_b, report_time));
    EXPECT_TRUE(store->delete_unreferenced_photos().empty());

    ASSERT_TRUE(store->withdraw_report(*id, withdraw_hash_a));
    EXPECT_TRUE(store->find_report(*id)->photos.empty());
    auto deleted = store->delete_unreferenced_photos();
    EXPECT_EQ(deleted, std::vector<std::string>{std::string(64, 'a')});  // 'b' is still used
    EXPECT_EQ(count("SELECT count(*) FROM photos"), 1);
}

TEST_F(Photos, SimilarPhotosAreOtherReportsPicturesWithinTheHammingDistance) {
    auto a = belgrade_report();
    a.photos = {photo('a', 0)};
    auto b = belgrade_report();
    b.photos = {photo('b', 0b111)};  // distance 3
    auto c = belgrade_report();
    c.photos = {photo('c', 0xFFFFFFFFULL)};  // distance 32
    auto id_a = *store->insert_report(a, withdraw_hash_a, report_time);
    auto id_b = *store->insert_report(b, withdraw_hash_a, report_time);
    ASSERT_TRUE(store->insert_report(c, withdraw_hash_a, report_time));

    auto similar = store->similar_photos(0, model::similar_photo_max_distance, id_a, 10);
    ASSERT_EQ(similar.size(), 1u);
    EXPECT_EQ(similar[0].report_id, id_b);
    EXPECT_EQ(similar[0].sha256, std::string(64, 'b'));
    EXPECT_EQ(similar[0].distance, 3);
    EXPECT_TRUE(store->similar_photos(0, 2, id_a, 10).empty());
}

TEST(PhotoFiles, WritesCompleteFilesUnderTheHashAndRemovesBoth) {
    TempDir dir;
    PhotoFiles files(dir.path() / "photos");
    std::string hash = "ab" + std::string(62, 'c');
    files.write(hash, "jpg", "image-bytes", "thumb-bytes");
    auto image_path = files.path(hash, "jpg", PhotoVariant::image);
    EXPECT_EQ(image_path, dir.path() / "photos" / "ab" / "cc" / (hash + ".jpg"));
    EXPECT_EQ(files.read(hash, "jpg", PhotoVariant::image), "image-bytes");
    EXPECT_EQ(files.read(hash, "jpg", PhotoVariant::thumbnail), "thumb-bytes");
    // No temporary file is left beside them.
    int entries = 0;
    for ([[maybe_unused]] const auto& e :
         std::filesystem::directory_iterator(image_path.parent_path()))
        ++entries;
    EXPECT_EQ(entries, 2);
    files.remove(hash, "jpg");
    EXPECT_EQ(files.read(hash, "jpg", PhotoVariant::image), std::nullopt);
    EXPECT_EQ(files.read(hash, "jpg", PhotoVariant::thumbnail), std::nullopt);
}

// The same photo stored by many requests at once (a report sent twice, two people with the same
// picture): every store succeeds and one complete file remains, no temporary file beside it.
TEST(PhotoFiles, ConcurrentStoresOfTheSamePhotoAllSucceed) {
    TempDir dir;
    PhotoFiles files(dir.path() / "photos");
    const std::string hash = "cd" + std::string(62, 'e');
    const std::string image(512 * 1024, 'x');  // large enough for the writes to overlap
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            try {
                files.write(hash, "jpg", image, "thumb");
            } catch (const std::exception&) {
                ++failures;
            }
        });
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(files.read(hash, "jpg", PhotoVariant::image), image);
    int entries = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(
             files.path(hash, "jpg", PhotoVariant::image).parent_path()))
        ++entries;
    EXPECT_EQ(entries, 2) << "the image and its thumbnail, no partial files";
}

}  // namespace sightline::store::testing
