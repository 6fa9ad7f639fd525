#include "services/plausibility.hpp"

#include "model/camera.hpp"

namespace sightline::services {

std::vector<std::string> plausibility_flags(const model::NewReport& report,
                                            const PlausibilityFacts& facts,
                                            const analysis::CameraCatalogue& catalogue) {
    std::vector<std::string> flags;
    if (facts.nearest_street_m && *facts.nearest_street_m > far_from_street_m)
        flags.emplace_back("far_from_street");
    if (facts.recent_reports_from_client >= burst_reports) flags.emplace_back("burst");
    auto tag = [&](std::string_view key) -> std::string_view {
        auto v = model::tag(report.tags, key);
        return v ? *v : std::string_view{};
    };
    auto manufacturer = tag("camera:manufacturer");
    if (manufacturer.empty()) manufacturer = tag("manufacturer");
    auto model_name = tag("camera:model");
    if (model_name.empty()) model_name = tag("model");
    auto type = tag("camera:type");
    if (!manufacturer.empty() && !model_name.empty() && !type.empty())
        if (const auto* spec = catalogue.find(manufacturer, model_name);
            spec != nullptr && !spec->camera_type.empty() && spec->camera_type != type)
            flags.emplace_back("model_mismatch");
    return flags;
}

int RecentReports::record(std::uint64_t client_key, double now_s, double window_s) {
    std::lock_guard lock(m_mutex);
    auto [it, inserted] = m_times.try_emplace(client_key);
    if (inserted) {
        m_order.push_back(client_key);
        while (m_order.size() > m_max_clients) {
            m_times.erase(m_order.front());
            m_order.pop_front();
        }
        it = m_times.find(client_key);
        if (it == m_times.end()) return 1;
    }
    auto& times = it->second;
    times.push_back(now_s);
    while (!times.empty() && times.front() <= now_s - window_s)
        times.pop_front();
    return static_cast<int>(times.size());
}

}  // namespace sightline::services
