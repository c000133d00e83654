/* A character map: longitude/latitude projected onto a grid of braille
 * dots (2 across and 4 down per terminal cell), outlines approximated by
 * convex hulls. Pure functions, no terminal: the console draws the cells. */
#ifndef DUTYDESK_MAP_H
#define DUTYDESK_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct map_pt {
	double lon, lat;
};

/* Where a bounding box lands on a grid of w x h dots: an equirectangular
 * projection (x shrunk by the cosine of the middle latitude), one scale on
 * both axes so shapes keep their proportions, centred, north up. */
struct map_view {
	double lon0, lat0, lon1, lat1; /* the box */
	double k;                      /* dots per degree of latitude */
	double coslat;
	double ox, oy;                 /* dot offsets that centre the box */
	int w, h;
};
/* Fits the box of pts (n >= 1) with a margin of `margin` dots. */
void map_fit(struct map_view *v, const struct map_pt *pts, size_t n, int w, int h, int margin);
/* The dot of a point; false when it falls outside the grid. */
bool map_project(const struct map_view *v, struct map_pt p, int *x, int *y);

/* The convex hull of pts in counter-clockwise order (monotone chain);
 * writes at most n points to out and returns how many. pts is sorted in
 * place. */
size_t map_hull(struct map_pt *pts, size_t n, struct map_pt *out);

/* A canvas of braille dots, cells x rows terminal cells. */
struct canvas {
	int cells, rows;
	uint8_t *bits; /* one byte per cell: the braille dot pattern */
};
void canvas_init(struct canvas *c, int cells, int rows);
void canvas_free(struct canvas *c);
void canvas_dot(struct canvas *c, int x, int y);
void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1);
/* The cell's character as UTF-8 (U+2800 + pattern), "" when empty. */
const char *canvas_cell(const struct canvas *c, int col, int row, char out[4]);

#endif
