#include "dutydesk/map.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dutydesk/util.h"

void map_fit(struct map_view *v, const struct map_pt *pts, size_t n, int w, int h, int margin)
{
	v->lon0 = v->lon1 = pts[0].lon;
	v->lat0 = v->lat1 = pts[0].lat;
	for (size_t i = 1; i < n; i++) {
		v->lon0 = fmin(v->lon0, pts[i].lon);
		v->lon1 = fmax(v->lon1, pts[i].lon);
		v->lat0 = fmin(v->lat0, pts[i].lat);
		v->lat1 = fmax(v->lat1, pts[i].lat);
	}
	v->w = w;
	v->h = h;
	v->coslat = cos((v->lat0 + v->lat1) / 2 * M_PI / 180);
	double dx = (v->lon1 - v->lon0) * v->coslat, dy = v->lat1 - v->lat0;
	double uw = w - 1 - 2 * margin, uh = h - 1 - 2 * margin;
	if (uw < 1)
		uw = 1;
	if (uh < 1)
		uh = 1;
	/* One point (or a line) has no extent: any scale shows it centred. */
	double kx = dx > 1e-9 ? uw / dx : INFINITY, ky = dy > 1e-9 ? uh / dy : INFINITY;
	v->k = fmin(kx, ky);
	if (!isfinite(v->k))
		v->k = 1000;
	v->ox = ((w - 1) - dx * v->k) / 2;
	v->oy = ((h - 1) - dy * v->k) / 2;
}

bool map_project(const struct map_view *v, struct map_pt p, int *x, int *y)
{
	double fx = v->ox + (p.lon - v->lon0) * v->coslat * v->k;
	double fy = v->oy + (v->lat1 - p.lat) * v->k;
	*x = (int)lround(fx);
	*y = (int)lround(fy);
	return *x >= 0 && *y >= 0 && *x < v->w && *y < v->h;
}

static int by_lon_lat(const void *a, const void *b)
{
	const struct map_pt *p = a, *q = b;
	return p->lon < q->lon ? -1 : p->lon > q->lon ? 1 : p->lat < q->lat ? -1 : p->lat > q->lat;
}

static double cross(struct map_pt o, struct map_pt a, struct map_pt b)
{
	return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon);
}

size_t map_hull(struct map_pt *pts, size_t n, struct map_pt *out)
{
	if (n < 3) {
		memcpy(out, pts, n * sizeof *pts);
		return n;
	}
	qsort(pts, n, sizeof *pts, by_lon_lat);
	/* Andrew's monotone chain: lower hull, then upper; out needs 2n in
	 * the worst case while building, so build in a scratch array. */
	struct map_pt *h = xcalloc(2 * n, sizeof *h);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		while (k >= 2 && cross(h[k - 2], h[k - 1], pts[i]) <= 0)
			k--;
		h[k++] = pts[i];
	}
	for (size_t i = n - 1, t = k + 1; i-- > 0;) {
		while (k >= t && cross(h[k - 2], h[k - 1], pts[i]) <= 0)
			k--;
		h[k++] = pts[i];
	}
	k--; /* the last point repeats the first */
	if (k > n)
		k = n;
	memcpy(out, h, k * sizeof *h);
	free(h);
	return k;
}

void canvas_init(struct canvas *c, int cells, int rows)
{
	c->cells = cells > 0 ? cells : 0;
	c->rows = rows > 0 ? rows : 0;
	c->bits = xcalloc((size_t)c->cells * (size_t)c->rows + 1, 1);
}

void canvas_free(struct canvas *c)
{
	free(c->bits);
	c->bits = NULL;
}

void canvas_dot(struct canvas *c, int x, int y)
{
	/* Braille dots 1-8 by column and row within the 2x4 cell. */
	static const uint8_t bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	if (x < 0 || y < 0 || x >= 2 * c->cells || y >= 4 * c->rows)
		return;
	c->bits[(y / 4) * c->cells + x / 2] |= bit[y % 4][x % 2];
}

void canvas_line(struct canvas *c, int x0, int y0, int x1, int y1)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
	for (;;) {
		canvas_dot(c, x0, y0);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

const char *canvas_cell(const struct canvas *c, int col, int row, char out[4])
{
	uint8_t b = col >= 0 && row >= 0 && col < c->cells && row < c->rows
			    ? c->bits[row * c->cells + col] : 0;
	if (!b) {
		out[0] = '\0';
		return out;
	}
	unsigned cp = 0x2800u + b; /* three bytes of UTF-8, no terminator needed beyond */
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	out[3] = '\0';
	return out;
}
