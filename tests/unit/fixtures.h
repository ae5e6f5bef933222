/* fixtures — texts several unit-test files share. */
#ifndef NE_TEST_FIXTURES_H
#define NE_TEST_FIXTURES_H

/* A 1987-style Reuters wire story as the archives deliver it: lines
 * hard-wrapped at 72 columns, paragraphs marked by indentation, a name
 * ("Sen. John\nTower") and a quotation broken across lines. */
extern const char NE_TEST_WIRE_STORY[];

#endif
