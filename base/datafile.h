/* dvcheck -- the data files the product ships (patterns.conf, servers.conf,
 * the RDAP bootstrap fallback, ...). */
#ifndef DV_BASE_DATAFILE_H
#define DV_BASE_DATAFILE_H

#include <stddef.h>

/* Find a data file: $DVCHECK_DATADIR (which must then hold it), else the
 * installed pkgdatadir, else the source tree. 0 and the path in out, or
 * -1. */
int dv_data_path(const char *file, char *out, size_t outlen);

#endif
