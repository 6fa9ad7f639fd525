#pragma once
// "Watch an area": an Atom 1.0 feed (RFC 4287) of what happened to the cameras inside a box or a
// district, made from their public history. Nothing about the reader goes in or comes out.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "geo/bbox.hpp"
#include "model/map_data.hpp"
#include "store/store.hpp"

namespace sightline::services {

/// Entries of one feed at most: feed readers poll, they do not page.
inline constexpr int area_feed_entries = 100;

/// The box as the feed names it: west,south,east,north with 6 decimals (about 0.1 m), so that
/// the same box always gets the same feed id and ETag.
std::string area_feed_key(const geo::BBox& box);

/// What one feed is about.
struct FeedSubject {
    std::string id_path;    ///< after the data set id in the feed id: "area/<key>", "district/3"
    std::string title;      ///< "Cameras in ..."
    std::string self_href;  ///< the feed's own path and query
};

/// The Atom document of `events` (newest first, Store::camera_events_in) about `subject`.
/// Feed id `tag:sightline,2026:<data_id>/<id_path>`, entry ids
/// `tag:sightline,2026:<data_id>/camera/<camera id>/event/<entry id>` (the data set's random id
/// keeps them apart from another instance's). Links are relative (`/camera/{id}` and the feed's
/// own), resolved against the feed's URL (RFC 4287 7, RFC 3986 5.1.3): the server does not
/// guess its public address from a request header. The feed's updated is the newest entry's
/// time, or 1970-01-01T00:00:00Z when there is none; rights states the data licence.
std::string camera_atom_feed(const FeedSubject& subject, std::string_view data_id,
                             const std::vector<store::AreaCameraEvent>& events);

/// The feed of the box `box` (subject "area/<key>").
std::string area_atom_feed(const geo::BBox& box, std::string_view data_id,
                           const std::vector<store::AreaCameraEvent>& events);

/// The newest `limit` history entries of cameras inside the district's outline (geo::contains:
/// a camera on a border two districts share is in one of them), newest first. Asks the store
/// for the outline's bounding box and widens the request until enough entries lie inside.
std::vector<store::AreaCameraEvent> district_camera_events(store::Store& store,
                                                           const model::District& district,
                                                           int limit);

/// The feed of a district (subject "district/<id>", titled with its name).
std::string district_atom_feed(const model::District& district, std::string_view data_id,
                               const std::vector<store::AreaCameraEvent>& events);

}  // namespace sightline::services
