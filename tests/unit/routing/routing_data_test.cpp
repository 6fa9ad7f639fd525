// The prepared routing data: a graph and its landmarks written to a file and mapped back answer
// exactly as the built ones, stay unchanged under copies that change, and a file that does not
// fit together is refused.
#include "routing/routing_data.hpp"

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

#include "core/section_file.hpp"
#include "routing/path_search.hpp"
#include "routing_test_graphs.hpp"

namespace sightline::routing {
namespace {

namespace fs = std::filesystem;
using analysis::DoriLevel;

class RoutingDataTest : public ::testing::Test {
  protected:
    void SetUp() override {
        m_path =
            fs::temp_directory_path() /
            ("sightline-routing-data-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ".bin");
    }
    void TearDown() override { fs::remove(m_path); }

    std::shared_ptr<const core::SectionFile> save(const WalkGraph& graph,
                                                  const Landmarks& landmarks) {
        auto stream =
            core::SectionFileStream::create(m_path, routing_data_magic, routing_data_version);
        EXPECT_TRUE(stream);
        EXPECT_TRUE(graph.save(*stream));
        EXPECT_TRUE(landmarks.save(graph, *stream));
        EXPECT_TRUE(stream->commit());
        auto file = core::SectionFile::open(m_path, routing_data_magic, routing_data_version);
        EXPECT_TRUE(file) << file.error().message;
        return file ? *file : nullptr;
    }

    fs::path m_path;
};

TEST_F(RoutingDataTest, AGraphMappedFromItsFileAnswersAsTheBuiltOne) {
    auto built = WalkGraph::build(testing::random_streets(81, 60, 100, 2));
    auto landmarks = Landmarks::build(built, 6);
    auto file = save(built, landmarks);
    ASSERT_TRUE(file);
    auto loaded = WalkGraph::load(file);
    ASSERT_TRUE(loaded) << loaded.error().message;
    auto loaded_landmarks = Landmarks::load(file, loaded->node_count());
    ASSERT_TRUE(loaded_landmarks) << loaded_landmarks.error().message;

    ASSERT_EQ(loaded->node_count(), built.node_count());
    ASSERT_EQ(loaded->edge_count(), built.edge_count());
    ASSERT_EQ(loaded->street_count(), built.street_count());
    for (EdgeId e = 0; e < built.edge_count(); ++e) {
        EXPECT_EQ(loaded->edge(e).from, built.edge(e).from);
        EXPECT_EQ(loaded->edge(e).to, built.edge(e).to);
        EXPECT_EQ(loaded->edge(e).length_m, built.edge(e).length_m);
        EXPECT_EQ(loaded->edge(e).seen_m, built.edge(e).seen_m);
    }
    for (std::uint32_t s = 0; s < built.street_count(); ++s) {
        const auto a = built.street(s);
        const auto b = loaded->street(s);
        EXPECT_EQ(a.osm_way_id, b.osm_way_id);
        EXPECT_TRUE(std::equal(a.points.begin(), a.points.end(), b.points.begin(), b.points.end()));
        EXPECT_TRUE(std::equal(a.seen_m.begin(), a.seen_m.end(), b.seen_m.begin(), b.seen_m.end()));
    }
    EXPECT_EQ(loaded_landmarks->count(), landmarks.count());

    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> coordinate(-50, 1050);
    for (int i = 0; i < 50; ++i) {
        const auto where = testing::at(coordinate(rng), coordinate(rng));
        auto a = built.snap(where, 500);
        auto b = loaded->snap(where, 500);
        ASSERT_EQ(a.has_value(), b.has_value());
        if (!a) continue;
        EXPECT_EQ(a->edge, b->edge);
        EXPECT_EQ(a->offset_m, b->offset_m);
    }
    AltSearch on_built(built, landmarks);
    AltSearch on_loaded(*loaded, *loaded_landmarks);
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(built.node_count() - 1));
    for (double lambda : {0.0, 3.0, 1000.0}) {
        Metric metric{lambda, DoriLevel::observe};
        for (int q = 0; q < 30; ++q) {
            std::vector<Seed> from{{node(rng), 0}};
            std::vector<Seed> to{{node(rng), 0}};
            auto reference = dijkstra(built, metric, from, to);
            EXPECT_EQ(on_loaded.find(metric, from, to).cost, on_built.find(metric, from, to).cost);
            const double cost = on_loaded.find(metric, from, to).cost;
            if (!reference.found()) {
                EXPECT_EQ(cost, unreachable);
                continue;
            }
            EXPECT_NEAR(cost, reference.cost, 1e-9 * std::max(1.0, reference.cost));
        }
    }
}

// Every bound of a file's landmarks, against those of landmarks kept in memory.
void expect_same_bounds(const WalkGraph& graph, const Landmarks& expected, const Landmarks& got) {
    ASSERT_EQ(got.count(), expected.count());
    EXPECT_TRUE(got.seen_current());
    std::mt19937_64 rng(11);
    std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(graph.node_count() - 1));
    for (int i = 0; i < 200; ++i) {
        const NodeId a = node(rng);
        const NodeId b = node(rng);
        for (double lambda : {0.0, 3.0, 100.0, 2000.0})
            for (auto level : {DoriLevel::detect, DoriLevel::observe, DoriLevel::identify}) {
                Metric metric{lambda, level};
                EXPECT_EQ(got.lower_bound(metric, a, b), expected.lower_bound(metric, a, b))
                    << "lambda " << lambda << " nodes " << a << " " << b;
            }
    }
}

TEST_F(RoutingDataTest, LandmarksWrittenAsTheirTablesAreMadeBoundAsThoseBuiltInMemory) {
    auto built = WalkGraph::build(testing::random_streets(84, 60, 100, 2));
    const auto in_memory = Landmarks::build(built, 6);
    auto stream = core::SectionFileStream::create(m_path, routing_data_magic, routing_data_version);
    ASSERT_TRUE(stream);
    ASSERT_TRUE(Landmarks::build_into(built, 6, *stream));
    ASSERT_TRUE(stream->commit());
    auto file = core::SectionFile::open(m_path, routing_data_magic, routing_data_version);
    ASSERT_TRUE(file) << file.error().message;
    auto loaded = Landmarks::load(*file, built.node_count());
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_TRUE(std::equal(loaded->nodes().begin(), loaded->nodes().end(),
                           in_memory.nodes().begin(), in_memory.nodes().end()));
    expect_same_bounds(built, in_memory, *loaded);
}

TEST_F(RoutingDataTest, StaleSeenTablesAreWrittenFreshWithoutRefreshingInMemory) {
    auto built = WalkGraph::build(testing::random_streets(85, 60, 100, 2));
    auto landmarks = Landmarks::build(built, 5);
    // Cameras changed: one street is now seen whole at every level.
    auto changed = built;
    const std::uint32_t street = 7;
    changed.set_street_seen(street, std::vector<LevelMetres>(changed.street(street).seen_m.size(),
                                                             LevelMetres{1000, 1000, 1000, 1000}));
    auto stale = landmarks;
    stale.mark_seen_stale();
    auto refreshed = landmarks;
    refreshed.refresh_seen(changed);

    auto stream = core::SectionFileStream::create(m_path, routing_data_magic, routing_data_version);
    ASSERT_TRUE(stream);
    ASSERT_TRUE(stale.save(changed, *stream));
    ASSERT_TRUE(stream->commit());
    EXPECT_FALSE(stale.seen_current()) << "the tables went to the file, not into memory";
    auto file = core::SectionFile::open(m_path, routing_data_magic, routing_data_version);
    ASSERT_TRUE(file) << file.error().message;
    auto loaded = Landmarks::load(*file, changed.node_count());
    ASSERT_TRUE(loaded) << loaded.error().message;
    expect_same_bounds(changed, refreshed, *loaded);
}

TEST_F(RoutingDataTest, ChangingALoadedGraphCopiesItAndLeavesTheFileAlone) {
    auto built = WalkGraph::build(testing::random_streets(82, 30, 50, 1));
    auto file = save(built, Landmarks::build(built, 4));
    auto loaded = WalkGraph::load(file);
    ASSERT_TRUE(loaded);
    WalkGraph changed = *loaded;
    const std::uint32_t street = 0;
    const auto segments = changed.street(street).seen_m.size();
    ASSERT_GT(segments, 0u);
    ASSERT_GT(geo::distance_m(changed.street(street).points[0], changed.street(street).points[1]),
              1.0);
    const LevelMetres one{1, 1, 1, 1};
    ASSERT_NE(built.street(street).seen_m[0], one);
    changed.set_street_seen(street, std::vector<LevelMetres>(segments, one));
    EXPECT_EQ(changed.street(street).seen_m[0], one);
    // The loaded graph, and the file under it, still hold what was built.
    EXPECT_EQ(loaded->street(street).seen_m[0], built.street(street).seen_m[0]);
    auto reopened = WalkGraph::load(file);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->street(street).seen_m[0], built.street(street).seen_m[0]);
    // So do its edges; the changed copy's edges add up the new metres.
    for (EdgeId e = 0; e < changed.edge_count(); ++e) {
        if (changed.edge(e).street != street) continue;
        EXPECT_EQ(loaded->edge(e).seen_m, built.edge(e).seen_m);
        const double points = changed.edge(e).last_point - changed.edge(e).first_point;
        EXPECT_EQ(changed.edge(e).seen_m[0], points);
    }
}

TEST_F(RoutingDataTest, RefusesSectionsThatDoNotFitTogether) {
    auto built = WalkGraph::build(testing::random_streets(83, 20, 30, 1));
    auto landmarks = Landmarks::build(built, 3);
    auto file = save(built, landmarks);
    auto wrong_nodes = Landmarks::load(file, built.node_count() + 1);
    ASSERT_FALSE(wrong_nodes);
    EXPECT_NE(wrong_nodes.error().message.find("inconsistent"), std::string::npos);

    // A file of another graph's landmarks, or without the graph at all.
    auto stream = core::SectionFileStream::create(m_path, routing_data_magic, routing_data_version);
    ASSERT_TRUE(stream);
    ASSERT_TRUE(landmarks.save(built, *stream));
    ASSERT_TRUE(stream->commit());
    auto partial = core::SectionFile::open(m_path, routing_data_magic, routing_data_version);
    ASSERT_TRUE(partial);
    auto no_graph = WalkGraph::load(*partial);
    ASSERT_FALSE(no_graph);
    EXPECT_NE(no_graph.error().message.find("missing"), std::string::npos);
}

// A graph without streets (a folder with cameras only) is whole as it is made: its file maps
// back rather than being refused and rebuilt at every start.
TEST_F(RoutingDataTest, AGraphWithoutStreetsMapsBackFromItsFile) {
    const WalkGraph empty;
    auto file = save(empty, Landmarks::build(empty, 4));
    ASSERT_TRUE(file);
    auto loaded = WalkGraph::load(file);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ(loaded->node_count(), 0u);
    EXPECT_EQ(loaded->street_count(), 0u);
    EXPECT_FALSE(loaded->snap(testing::at(0, 0), 1000));
}

}  // namespace
}  // namespace sightline::routing
