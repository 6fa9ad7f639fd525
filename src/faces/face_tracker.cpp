#include "faces/face_tracker.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>

namespace sightline::faces {
namespace {

// Linking a detection to a track: enough overlap with the track's predicted box, or a centre
// within this fraction of the box size (small fast faces overlap little from frame to frame).
// The radius grows with the frames since the track's last detection (a face can cross a quarter
// of its width per frame), up to a limit.
constexpr double link_min_iou = 0.1;
constexpr double link_max_centre_distance = 0.75;
constexpr double link_distance_per_frame = 0.25;
constexpr double link_max_distance = 3.0;
constexpr double link_max_size_ratio = 2.5;
// Detections of the same frame from several passes that overlap this much are one face.
constexpr double same_face_iou = 0.3;
constexpr double same_face_containment = 0.7;
// Extrapolation trusts the velocity for at most this many box sizes of travel.
constexpr double max_extrapolated_travel = 2.0;

struct Geometry {
    double centre_x = 0;
    double centre_y = 0;
    double width = 0;
    double height = 0;
};

Geometry geometry_of(const FaceBox& b) {
    return {b.x + b.width / 2.0, b.y + b.height / 2.0, static_cast<double>(b.width),
            static_cast<double>(b.height)};
}

FaceBox box_of(const Geometry& g, float score) {
    const int x0 = static_cast<int>(std::floor(g.centre_x - g.width / 2));
    const int y0 = static_cast<int>(std::floor(g.centre_y - g.height / 2));
    const int x1 = static_cast<int>(std::ceil(g.centre_x + g.width / 2));
    const int y1 = static_cast<int>(std::ceil(g.centre_y + g.height / 2));
    return {x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0), score};
}

Geometry mix(const Geometry& a, const Geometry& b, double t) {
    return {a.centre_x + (b.centre_x - a.centre_x) * t, a.centre_y + (b.centre_y - a.centre_y) * t,
            a.width + (b.width - a.width) * t, a.height + (b.height - a.height) * t};
}

Geometry grown(Geometry g, double factor) {
    g.width *= factor;
    g.height *= factor;
    return g;
}

double overlap_area(const FaceBox& a, const FaceBox& b) {
    const double w = std::min(a.x + a.width, b.x + b.width) - std::max(a.x, b.x);
    const double h = std::min(a.y + a.height, b.y + b.height) - std::max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0.0;
}

double iou(const FaceBox& a, const FaceBox& b) {
    const double inner = overlap_area(a, b);
    const double outer =
        static_cast<double>(a.width) * a.height + static_cast<double>(b.width) * b.height - inner;
    return outer > 0 ? inner / outer : 0.0;
}

double containment(const FaceBox& a, const FaceBox& b) {
    const double smaller =
        std::min(static_cast<double>(a.width) * a.height, static_cast<double>(b.width) * b.height);
    return smaller > 0 ? overlap_area(a, b) / smaller : 0.0;
}

FaceBox united(const FaceBox& a, const FaceBox& b) {
    const int x0 = std::min(a.x, b.x);
    const int y0 = std::min(a.y, b.y);
    const int x1 = std::max(a.x + a.width, b.x + b.width);
    const int y1 = std::max(a.y + a.height, b.y + b.height);
    return {x0, y0, x1 - x0, y1 - y0, std::max(a.score, b.score)};
}

// One box per face: boxes from several passes that overlap become their union.
std::vector<FaceBox> merged(std::span<const FaceBox> faces) {
    std::vector<FaceBox> out;
    for (const FaceBox& face : faces) {
        if (face.width <= 0 || face.height <= 0) continue;
        bool absorbed = false;
        for (FaceBox& kept : out) {
            if (iou(kept, face) >= same_face_iou ||
                containment(kept, face) >= same_face_containment) {
                kept = united(kept, face);
                absorbed = true;
                break;
            }
        }
        if (!absorbed) out.push_back(face);
    }
    return out;
}

}  // namespace

FaceTrackerOptions tracker_options_for(int longest_interval) {
    FaceTrackerOptions options;
    const int interval = std::max(1, longest_interval);
    options.pre_roll_frames = interval + 2;
    options.post_roll_frames = interval + 2;
    // One missed detection of the fine pass is bridged; more, and the face is covered by the
    // rolls around its stretches. The look-ahead queue holds this many frames (3 MB each at 1080p).
    options.max_gap_frames = interval + 4;
    return options;
}

FaceTracker::FaceTracker(FaceTrackerOptions options) : m_options(options) {
    m_options.pre_roll_frames = std::max(0, m_options.pre_roll_frames);
    m_options.post_roll_frames = std::max(0, m_options.post_roll_frames);
    m_options.max_gap_frames = std::max(1, m_options.max_gap_frames);
    m_options.growth_per_frame = std::max(0.0, m_options.growth_per_frame);
}

int FaceTracker::look_ahead() const noexcept {
    return std::max(m_options.pre_roll_frames, m_options.max_gap_frames);
}

std::int64_t FaceTracker::settled_until() const noexcept {
    if (m_finished) return std::numeric_limits<std::int64_t>::max();
    return m_seen_until - look_ahead() + 1;
}

void FaceTracker::advance_to(std::int64_t frame) {
    m_seen_until = std::max(m_seen_until, frame);
}

void FaceTracker::finish() {
    m_finished = true;
}

// Where the track's face is expected at `frame` after its last observation: constant velocity
// from the last two observations (when close enough in time to say anything), travel capped.
FaceBox FaceTracker::predict(const Track& track, std::int64_t frame) const {
    const Observation& last = track.observations.back();
    Geometry g = geometry_of(last.box);
    if (track.observations.size() >= 2) {
        const Observation& before = track.observations[track.observations.size() - 2];
        const auto span = static_cast<double>(last.frame - before.frame);
        if (span > 0 && span <= m_options.max_gap_frames) {
            const Geometry a = geometry_of(before.box);
            const double steps = static_cast<double>(frame - last.frame);
            const double size = std::max(g.width, g.height);
            double dx = (g.centre_x - a.centre_x) / span * steps;
            double dy = (g.centre_y - a.centre_y) / span * steps;
            const double travel = std::hypot(dx, dy);
            if (travel > max_extrapolated_travel * size) {
                dx *= max_extrapolated_travel * size / travel;
                dy *= max_extrapolated_travel * size / travel;
            }
            g.centre_x += dx;
            g.centre_y += dy;
        }
    }
    return box_of(g, last.box.score);
}

void FaceTracker::set_camera_offset(std::int64_t frame, CameraOffset offset) {
    const auto rounded = [](double v) {
        return std::isfinite(v) ? static_cast<int>(std::clamp(std::lround(v), -1L << 30, 1L << 30))
                                : 0;
    };
    m_shifts[frame] = {rounded(offset.x), rounded(offset.y)};
}

FaceTracker::Shift FaceTracker::shift_of(std::int64_t frame) const {
    auto after = m_shifts.upper_bound(frame);
    return after == m_shifts.begin() ? Shift{} : std::prev(after)->second;
}

void FaceTracker::add_detections(std::int64_t frame, std::span<const FaceBox> faces) {
    std::vector<FaceBox> found = merged(faces);
    const Shift shift = shift_of(frame);
    for (FaceBox& face : found) {
        face.x += shift.x;
        face.y += shift.y;
    }
    struct Link {
        double quality;
        std::size_t track;
        std::size_t face;
    };
    std::vector<Link> links;
    for (std::size_t t = 0; t < m_tracks.size(); ++t) {
        const Track& track = m_tracks[t];
        const std::int64_t last = track.observations.back().frame;
        if (last >= frame || frame - last > m_options.max_gap_frames) continue;
        const FaceBox expected = predict(track, frame);
        const Geometry e = geometry_of(expected);
        const double radius = std::min(
            link_max_distance,
            link_max_centre_distance + link_distance_per_frame * static_cast<double>(frame - last));
        for (std::size_t f = 0; f < found.size(); ++f) {
            const Geometry g = geometry_of(found[f]);
            const double size_ratio =
                std::max(e.width, g.width) / std::max(1.0, std::min(e.width, g.width));
            if (size_ratio > link_max_size_ratio) continue;
            const double overlap = iou(expected, found[f]);
            const double distance = std::hypot(e.centre_x - g.centre_x, e.centre_y - g.centre_y) /
                                    std::max({e.width, e.height, g.width, g.height, 1.0});
            if (overlap >= link_min_iou || distance <= radius)
                links.push_back({overlap + (1.0 - std::min(1.0, distance)), t, f});
        }
    }
    std::ranges::sort(links, std::greater{}, &Link::quality);
    std::vector<bool> track_used(m_tracks.size(), false);
    std::vector<bool> face_used(found.size(), false);
    for (const Link& link : links) {
        if (track_used[link.track] || face_used[link.face]) continue;
        track_used[link.track] = face_used[link.face] = true;
        m_tracks[link.track].observations.push_back({frame, found[link.face]});
    }
    for (std::size_t f = 0; f < found.size(); ++f) {
        if (face_used[f]) continue;
        m_tracks.push_back(Track{{Observation{frame, found[f]}}});
        ++m_tracks_started;
    }
}

bool FaceTracker::box_for(const Track& track, std::int64_t frame, FaceBox& out) const {
    const auto& obs = track.observations;
    const auto next = std::ranges::lower_bound(obs, frame, {}, &Observation::frame);
    if (next != obs.end() && next->frame == frame) {
        out = next->box;
        return true;
    }
    const double growth = m_options.growth_per_frame;
    const bool has_next = next != obs.end();
    const bool has_previous = next != obs.begin();
    if (has_next && has_previous) {
        const Observation& a = *(next - 1);
        const Observation& b = *next;
        if (b.frame - a.frame <= m_options.max_gap_frames) {
            const double t =
                static_cast<double>(frame - a.frame) / static_cast<double>(b.frame - a.frame);
            const auto nearest = static_cast<double>(std::min(frame - a.frame, b.frame - frame));
            out = box_of(
                grown(mix(geometry_of(a.box), geometry_of(b.box), t), 1.0 + growth * nearest),
                std::min(a.box.score, b.box.score));
            return true;
        }
    }
    // Before the first observation of a stretch (the face may have been there since the last
    // pass that could see it), or after the last one (it may still be there, unseen).
    if (has_next && next->frame - frame <= m_options.pre_roll_frames) {
        Track ahead;  // the observations from `next` on, reversed, predict backwards in time
        for (auto it = next; it != obs.end() && it - next < 2; ++it)
            ahead.observations.insert(ahead.observations.begin(), Observation{-it->frame, it->box});
        const FaceBox predicted = predict(ahead, -frame);
        const auto distance = static_cast<double>(next->frame - frame);
        out = box_of(grown(geometry_of(predicted), 1.0 + growth * distance), next->box.score);
        return true;
    }
    if (has_previous && frame - (next - 1)->frame <= m_options.post_roll_frames) {
        Track behind;
        behind.observations.assign(std::max(obs.begin(), next - 2), next);
        const FaceBox predicted = predict(behind, frame);
        const auto distance = static_cast<double>(frame - (next - 1)->frame);
        out = box_of(grown(geometry_of(predicted), 1.0 + growth * distance), (next - 1)->box.score);
        return true;
    }
    return false;
}

std::vector<FaceBox> FaceTracker::boxes_for(std::int64_t frame) const {
    std::vector<FaceBox> boxes;
    const Shift shift = shift_of(frame);
    for (const Track& track : m_tracks) {
        FaceBox box;
        if (!box_for(track, frame, box)) continue;
        box.x -= shift.x;
        box.y -= shift.y;
        boxes.push_back(box);
    }
    return boxes;
}

void FaceTracker::forget_before(std::int64_t frame) {
    const std::int64_t reach = std::max(m_options.post_roll_frames, m_options.max_gap_frames);
    std::erase_if(m_tracks, [&](const Track& track) {
        return track.observations.back().frame + reach < frame;
    });
    // Interpolation and prediction for later frames need at most two observations before them.
    for (Track& track : m_tracks) {
        auto& obs = track.observations;
        const auto first_needed = std::ranges::lower_bound(obs, frame, {}, &Observation::frame);
        const auto keep_from =
            first_needed - std::min<std::ptrdiff_t>(2, first_needed - obs.begin());
        obs.erase(obs.begin(), keep_from);
    }
    // The last offset before `frame` stays: it is the offset of later frames that have none.
    auto first_kept = m_shifts.upper_bound(frame);
    if (first_kept != m_shifts.begin()) --first_kept;
    m_shifts.erase(m_shifts.begin(), first_kept);
}

}  // namespace sightline::faces
