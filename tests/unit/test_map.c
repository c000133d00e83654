/* The map: projection of known coordinates, hulls, braille cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "dutydesk/map.h"

/* Yonghe county's box, roughly, on a grid twice as wide as tall: the box
 * (0.6 deg x cos 36.7 = 0.48 across, 0.45 down) is limited by the height,
 * fills it between the margins and is centred across; north up, east
 * right, one scale on both axes. */
static void projection_of_known_points(void **state)
{
	(void)state;
	struct map_pt box[] = {{110.20, 36.50}, {110.80, 36.95}};
	struct map_view v;
	map_fit(&v, box, 2, 160, 80, 2);
	int x, y;
	assert_true(map_project(&v, (struct map_pt){110.20, 36.95}, &x, &y)); /* north-west */
	assert_int_equal(x, 39);
	assert_int_equal(y, 2);
	assert_true(map_project(&v, (struct map_pt){110.80, 36.50}, &x, &y)); /* south-east */
	assert_in_range(x, 119, 120);
	assert_int_equal(y, 77);
	/* 80 dots across for 75 down: 0.48 / 0.45 */
	assert_true(map_project(&v, (struct map_pt){110.50, 36.725}, &x, &y)); /* the middle */
	assert_in_range(x, 79, 80);
	assert_in_range(y, 39, 40);
	assert_true(map_project(&v, (struct map_pt){110.20, 36.50}, &x, &y)); /* south-west */
	assert_int_equal(x, 39);
	assert_int_equal(y, 77);
	/* outside the box and the grid */
	assert_false(map_project(&v, (struct map_pt){112.0, 36.7}, &x, &y));
	assert_false(map_project(&v, (struct map_pt){110.5, 35.0}, &x, &y));
}

/* A tall box is limited by the height instead, and centred across. */
static void tall_box_centred(void **state)
{
	(void)state;
	struct map_pt box[] = {{110.0, 36.0}, {110.1, 37.0}};
	struct map_view v;
	map_fit(&v, box, 2, 200, 100, 0);
	int x0, y0, x1, y1;
	assert_true(map_project(&v, box[0], &x0, &y0));
	assert_true(map_project(&v, box[1], &x1, &y1));
	assert_int_equal(y0, 99);
	assert_int_equal(y1, 0);
	assert_in_range((x0 + x1) / 2, 98, 101);
	assert_true(x1 - x0 < 20);
}

/* One point, or many at one place: centred, never a division by zero. */
static void single_point(void **state)
{
	(void)state;
	struct map_pt p = {110.5, 36.7};
	struct map_view v;
	map_fit(&v, &p, 1, 40, 20, 1);
	int x, y;
	assert_true(map_project(&v, p, &x, &y));
	assert_in_range(x, 19, 20);
	assert_in_range(y, 9, 10);
}

static void hull_of_a_square(void **state)
{
	(void)state;
	struct map_pt pts[] = {{0, 0}, {1, 1}, {0.5, 0.5}, {1, 0}, {0, 1}, {0.2, 0.7}, {1, 0.5}};
	struct map_pt out[7];
	size_t n = map_hull(pts, 7, out);
	assert_int_equal(n, 4); /* the corners; (1, 0.5) lies on an edge */
	double area = 0;
	for (size_t i = 0; i < n; i++)
		area += out[i].lon * out[(i + 1) % n].lat - out[(i + 1) % n].lon * out[i].lat;
	assert_true(area > 1.99 && area < 2.01); /* twice the area, counter-clockwise */
	/* two points: the segment */
	struct map_pt two[] = {{3, 4}, {1, 2}};
	assert_int_equal(map_hull(two, 2, out), 2);
}

static void braille_cells(void **state)
{
	(void)state;
	struct canvas c;
	canvas_init(&c, 2, 1);
	char ch[4];
	assert_string_equal(canvas_cell(&c, 0, 0, ch), "");
	canvas_dot(&c, 0, 0);               /* dot 1 */
	assert_string_equal(canvas_cell(&c, 0, 0, ch), "\u2801");
	canvas_dot(&c, 1, 3);               /* dot 8 */
	assert_string_equal(canvas_cell(&c, 0, 0, ch), "\u2881");
	canvas_dot(&c, 99, 99);             /* off the canvas: ignored */
	canvas_line(&c, 2, 0, 3, 3);        /* the second cell, top to bottom */
	assert_string_not_equal(canvas_cell(&c, 1, 0, ch), "");
	assert_string_equal(canvas_cell(&c, 5, 0, ch), "");
	canvas_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(projection_of_known_points), cmocka_unit_test(tall_box_centred),
		cmocka_unit_test(single_point), cmocka_unit_test(hull_of_a_square),
		cmocka_unit_test(braille_cells),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
