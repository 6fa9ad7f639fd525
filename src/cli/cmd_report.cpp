// sightline report (--bbox W,S,E,N | --district ID) --out FILE [--lang L]: the printable report
// of an area or a district as a PDF.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>

#include <unistd.h>

#include <fmt/core.h>

#include "cli/command.hpp"
#include "cli/commands_list.hpp"
#include "core/clock.hpp"
#include "pdf/report_pdf.hpp"
#include "services/area_report_service.hpp"

namespace sightline::cli {
namespace {

class ReportCommand final : public Command {
  public:
    std::string_view name() const override { return "report"; }
    std::string_view summary() const override {
        return "print the report of an area or a district as a PDF";
    }
    std::string help() const override {
        return "Usage: sightline report (--bbox W,S,E,N | --district ID) --out FILE.pdf\n"
               "                        [--lang en|sr-Latn|sr-Cyrl] [--data DIR]\n\n"
               "Two A4 pages: a map of the area with its cameras, the key figures (area,\n"
               "cameras, cameras per km² and per km of street, the share of the streets the\n"
               "cameras see at each DORI level), the cameras by type, how they grew, and the\n"
               "method, in the chosen language (default en). A district is one of\n"
               "`sightline districts`; a bounding box may cover up to 2,500 km². FILE is written\n"
               "under a temporary name and renamed when complete.\n\n" +
               format_options(specs());
    }
    Status parse(const std::vector<std::string>& args) override {
        auto parsed = parse_args(args, specs());
        if (!parsed) return std::unexpected(parsed.error());
        m_args = *parsed;
        if (!m_args.positionals.empty())
            return fail(Errc::invalid_argument, "unexpected argument " + m_args.positionals[0]);
        if (m_args.has("bbox") == m_args.has("district"))
            return fail(Errc::invalid_argument, "give either --bbox W,S,E,N or --district ID");
        if (auto b = m_args.value("bbox")) {
            auto box = geo::parse_bbox(*b);
            if (!box) return std::unexpected(box.error());
            m_request.bbox = *box;
        }
        if (auto d = m_args.value("district")) {
            auto id = parse_integer("--district", *d, 1, std::numeric_limits<std::int64_t>::max());
            if (!id) return std::unexpected(id.error());
            m_request.district = *id;
        }
        m_request.language = m_args.value("lang").value_or("en");
        auto language = pdf::parse_language(m_request.language);
        if (!language) return fail(Errc::invalid_argument, "--lang is en, sr-Latn or sr-Cyrl");
        m_language = *language;
        auto out = m_args.value("out");
        if (!out) return fail(Errc::invalid_argument, "say where the PDF goes: --out FILE.pdf");
        m_out = *out;
        return {};
    }
    int run() override {
        auto store = open_store_from(m_args);
        services::AnalysisOptions options;
        options.max_area_km2 = 2'500;  // as `sightline coverage`: the operator's own machine
        services::AnalysisService analysis(*store, *store, options);
        services::DistrictService districts(*store, *store, analysis);
        services::AreaReportService reports(*store, *store, analysis, districts,
                                            services::history_growth(*store));
        m_request.now = unix_now();
        auto report = reports.gather(m_request);
        if (!report) return report_error("report", report.error());
        auto pdf = pdf::render_report_pdf(*report, m_language);

        const std::filesystem::path target(m_out);
        auto temp = target;
        temp += fmt::format(".partial.{}", ::getpid());
        {
            std::ofstream file(temp, std::ios::binary | std::ios::trunc);
            file.write(pdf.data(), static_cast<std::streamsize>(pdf.size()));
            file.close();
            if (!file) {
                std::error_code ignored;
                std::filesystem::remove(temp, ignored);
                fmt::print(stderr, "sightline report: cannot write {}\n", temp.string());
                return 1;
            }
        }
        std::error_code ec;
        std::filesystem::rename(temp, target, ec);
        if (ec) {
            fmt::print(stderr, "sightline report: cannot write {}: {}\n", m_out, ec.message());
            std::filesystem::remove(temp, ec);
            return 1;
        }
        fmt::print("wrote {} ({} bytes): {} cameras, {:.2f} km², {:.1f} km of streets\n", m_out,
                   pdf.size(), report->cameras, report->area_km2, report->street_km);
        return 0;
    }

  private:
    static std::vector<OptionSpec> specs() {
        return {{"bbox", "W,S,E,N", "the area (degrees)"},
                {"district", "ID", "a district (see `sightline districts`)"},
                {"lang", "LANG", "en (default), sr-Latn or sr-Cyrl"},
                {"out", "FILE", "where the PDF goes"},
                data_option(),
                store_option()};
    }
    ParsedArgs m_args;
    services::AreaReportRequest m_request;
    pdf::Language m_language = pdf::Language::en;
    std::string m_out;
};

}  // namespace

std::unique_ptr<Command> make_report_command() {
    return std::make_unique<ReportCommand>();
}

}  // namespace sightline::cli
