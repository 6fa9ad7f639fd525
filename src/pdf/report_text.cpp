#include "pdf/report_text.hpp"

#include <array>
#include <cctype>
#include <cmath>
#include <ctime>

#include <fmt/core.h>

namespace sightline::pdf {
namespace {

struct Phrase {
    std::string_view key;
    std::array<std::string_view, 3> words;  ///< en, sr-Latn, sr-Cyrl
};

// clang-format off
constexpr Phrase phrases[] = {
    {"title", {"Video surveillance: {}", "Video nadzor: {}", "Видео надзор: {}"}},
    {"selected_area", {"the selected area", "izabrano područje", "изабрано подручје"}},
    {"generated", {"Made by Sightline on {} from its open registry of cameras.",
                   "Napravio Sightline {} iz svog otvorenog registra kamera.",
                   "Направио Sightline {} из свог отвореног регистра камера."}},
    {"key_figures", {"Key figures", "Ključni podaci", "Кључни подаци"}},
    {"area", {"Area", "Površina", "Површина"}},
    {"cameras", {"Cameras", "Kamere", "Камере"}},
    {"cameras_per_km2", {"Cameras per km²", "Kamera po km²", "Камера по km²"}},
    {"streets", {"Streets open to people on foot", "Ulice dostupne pešacima",
                 "Улице доступне пешацима"}},
    {"cameras_per_street_km", {"Cameras per km of street", "Kamera po km ulice",
                               "Камера по km улице"}},
    {"watched", {"Share of those streets the cameras see", "Udeo tih ulica koji kamere vide",
                 "Удео тих улица који камере виде"}},
    {"dori.detect", {"detect: a person can be seen (25 px/m)",
                     "detekcija: osoba se vidi (25 px/m)",
                     "детекција: особа се види (25 px/m)"}},
    {"dori.observe", {"observe: what a person does (62.5 px/m)",
                      "posmatranje: šta osoba radi (62,5 px/m)",
                      "посматрање: шта особа ради (62,5 px/m)"}},
    {"dori.recognise", {"recognise: a known person is recognised (125 px/m)",
                        "prepoznavanje: poznata osoba se prepoznaje (125 px/m)",
                        "препознавање: позната особа се препознаје (125 px/m)"}},
    {"dori.identify", {"identify: a stranger can be identified (250 px/m)",
                       "identifikacija: nepoznata osoba se može identifikovati (250 px/m)",
                       "идентификација: непозната особа се може идентификовати (250 px/m)"}},
    {"by_kind", {"Cameras by type", "Kamere po vrsti", "Камере по врсти"}},
    {"growth", {"Cameras over time (active at the end of each period)",
                "Kamere kroz vreme (aktivne na kraju svakog perioda)",
                "Камере кроз време (активне на крају сваког периода)"}},
    {"no_growth", {"No history of cameras in this area yet.",
                   "Za ovo područje još nema istorije kamera.",
                   "За ово подручје још нема историје камера."}},
    {"method", {"Method", "Metod", "Метод"}},
    {"method_text",
     {"Cameras are those of the Sightline registry that are not marked removed: reported by "
      "people, checked by moderators, or imported from OpenStreetMap. A map shows only where "
      "someone looked, so every figure here is a lower bound. What a camera sees is modelled "
      "from its type, direction and lens (IEC 62676-4 pixel densities: detect 25, observe "
      "62.5, recognise 125, identify 250 pixels per metre), with buildings blocking the view. "
      "Streets are the OpenStreetMap ways a person may walk on; a share is the length a camera "
      "sees at that level or finer over the length of all those streets inside the area.",
      "Kamere su one iz Sightline registra koje nisu označene kao uklonjene: prijavili su ih "
      "građani, proverili moderatori ili su uvezene iz OpenStreetMap-a. Mapa pokazuje samo "
      "gde je neko gledao, pa je svaki broj ovde donja granica. Ono što kamera vidi izračunato "
      "je iz njene vrste, pravca i objektiva (gustine piksela po IEC 62676-4: detekcija 25, "
      "posmatranje 62,5, prepoznavanje 125, identifikacija 250 piksela po metru), a zgrade "
      "zaklanjaju pogled. Ulice su OpenStreetMap putevi kojima se može pešačiti; udeo je "
      "dužina koju kamera vidi na tom nivou ili boljem, podeljena dužinom svih tih ulica u "
      "području.",
      "Камере су оне из Sightline регистра које нису означене као уклоњене: пријавили су их "
      "грађани, проверили модератори или су увезене из OpenStreetMap-а. Мапа показује само "
      "где је неко гледао, па је сваки број овде доња граница. Оно што камера види израчунато "
      "је из њене врсте, правца и објектива (густине пиксела по IEC 62676-4: детекција 25, "
      "посматрање 62,5, препознавање 125, идентификација 250 пиксела по метру), а зграде "
      "заклањају поглед. Улице су OpenStreetMap путеви којима се може пешачити; удео је "
      "дужина коју камера види на том нивоу или бољем, подељена дужином свих тих улица у "
      "подручју."}},
    {"attribution", {"Map data © OpenStreetMap contributors (ODbL)",
                     "Podaci mape © OpenStreetMap saradnici (ODbL)",
                     "Подаци мапе © OpenStreetMap сарадници (ODbL)"}},
    {"page", {"Page {} of {}", "Strana {} od {}", "Страна {} од {}"}},
    {"kind.fixed", {"fixed", "fiksna", "фиксна"}},
    {"kind.dome", {"dome", "kupolasta", "куполаста"}},
    {"kind.panning", {"pan-tilt", "pokretna", "покретна"}},
    {"kind.ALPR", {"number plate reader (ALPR)", "čitač tablica (ALPR)",
                   "читач таблица (ALPR)"}},
    {"kind.unknown", {"type not known", "vrsta nepoznata", "врста непозната"}},
    {"kind.camera", {"camera, type not given", "kamera, vrsta nije navedena",
                     "камера, врста није наведена"}},
    {"kind.other", {"other", "ostale", "остале"}},
};

constexpr std::array<std::array<std::string_view, 12>, 3> month_names{{
    {"January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"},
    // Serbian writes the month of a date in the genitive: "6. decembra 2026."
    {"januara", "februara", "marta", "aprila", "maja", "juna", "jula", "avgusta", "septembra",
     "oktobra", "novembra", "decembra"},
    {"јануара", "фебруара", "марта", "априла", "маја", "јуна", "јула", "августа", "септембра",
     "октобра", "новембра", "децембра"},
}};
// clang-format on

bool equal_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

}  // namespace

std::optional<Language> parse_language(std::string_view tag) {
    if (equal_ignoring_case(tag, "en")) return Language::en;
    if (equal_ignoring_case(tag, "sr-Latn") || equal_ignoring_case(tag, "sr"))
        return Language::sr_latn;
    if (equal_ignoring_case(tag, "sr-Cyrl")) return Language::sr_cyrl;
    return std::nullopt;
}

std::string_view text(Language language, std::string_view key) {
    for (const auto& phrase : phrases)
        if (phrase.key == key) return phrase.words[static_cast<std::size_t>(language)];
    return key;
}

std::string kind_name(Language language, std::string_view kind) {
    std::string key = fmt::format("kind.{}", kind);
    auto name = text(language, key);
    return std::string(name == key ? kind : name);
}

std::string format_number(Language language, double value, int decimals) {
    if (!std::isfinite(value)) return "-";
    std::string plain = fmt::format("{:.{}f}", std::abs(value), decimals);
    const char thousands = language == Language::en ? ',' : '.';
    const char point = language == Language::en ? '.' : ',';
    auto dot = plain.find('.');
    std::string whole = plain.substr(0, dot);
    std::string out = value < 0 && plain.find_first_not_of("0.") != std::string::npos ? "-" : "";
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) out += thousands;
        out += whole[i];
    }
    if (dot != std::string::npos) {
        out += point;
        out += plain.substr(dot + 1);
    }
    return out;
}

std::string format_date(Language language, std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    auto month =
        month_names[static_cast<std::size_t>(language)][static_cast<std::size_t>(tm.tm_mon)];
    if (language == Language::en)
        return fmt::format("{} {} {}", tm.tm_mday, month, tm.tm_year + 1900);
    return fmt::format("{}. {} {}.", tm.tm_mday, month, tm.tm_year + 1900);
}

}  // namespace sightline::pdf
