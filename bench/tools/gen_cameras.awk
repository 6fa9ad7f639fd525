# Synthetic cameras for the registry benchmark (bench/run.sh): N rows of CSV spread uniformly
# over the box west..east x south..north (degrees), with OpenStreetMap-style tag columns.
#
# Deterministic for a given seed on any POSIX awk (mawk, gawk, busybox): the random numbers come
# from the Park-Miller "minimal standard" generator (multiplier 48271, modulus 2^31 - 1), whose
# products stay below 2^53 and are therefore exact in awk's double-precision numbers.
#
#   awk -v n=1000000 -v seed=42 -v west=20.2076 -v south=44.6326 -v east=20.7148 -v north=44.9924 \
#       -f bench/tools/gen_cameras.awk > cameras.csv

function uniform() {
    state = (state * 48271) % 2147483647
    return state / 2147483647
}

# A random element of list[1..count].
function pick(list, count) { return list[int(uniform() * count) + 1] }

BEGIN {
    if (n == "" || seed == "" || west == "" || south == "" || east == "" || north == "") {
        print "gen_cameras.awk: set -v n= seed= west= south= east= north=" > "/dev/stderr"
        exit 2
    }
    state = seed % 2147483646 + 1  # MINSTD state must be in [1, 2^31 - 2]

    # Weighted by repetition.
    n_surv = split("public public public outdoor outdoor indoor", surv, " ")
    n_stype = split("camera camera camera camera camera camera camera camera ALPR guard", stype, " ")
    n_ctype = split("fixed fixed fixed fixed dome dome dome panning", ctype, " ")
    n_mount = split("pole pole pole wall wall ceiling", mount, " ")
    n_oper = split("City of Belgrade|Ministry of Interior|Ministry of Interior|Belgrade Public Transport|" \
                   "Telekom Srbija|NIS|Private|Private|Private|Belgrade Airport", oper, "|")
    n_manu = split("Huawei Huawei Huawei Hikvision Hikvision Dahua Axis Bosch Hanwha Uniview", manu, " ")

    print "lat,lon,surveillance,surveillance:type,camera:type,camera:mount,camera:direction,operator,manufacturer"
    for (i = 0; i < n; i++) {
        lat = south + uniform() * (north - south)
        lon = west + uniform() * (east - west)
        printf "%.7f,%.7f,%s,%s,%s,%s,%d,%s,%s\n", lat, lon, pick(surv, n_surv), pick(stype, n_stype),
               pick(ctype, n_ctype), pick(mount, n_mount), int(uniform() * 360), pick(oper, n_oper),
               pick(manu, n_manu)
    }
}
