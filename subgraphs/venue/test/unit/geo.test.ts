import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertCoordinates, checkGeofence, haversineM } from '../../src/catalog/geo.ts';

const jingan = { lat: 31.2304, lng: 121.4537 };

describe('haversine distance', () => {
  it('is zero for the same point and symmetric', () => {
    assert.equal(haversineM(jingan, jingan), 0);
    const b = { lat: 31.2352, lng: 121.4456 };
    assert.equal(haversineM(jingan, b), haversineM(b, jingan));
  });

  it('matches known distances (Shanghai–Beijing ≈ 1,067 km; 0.001° of latitude ≈ 111 m)', () => {
    const d = haversineM({ lat: 31.2304, lng: 121.4737 }, { lat: 39.9042, lng: 116.4074 });
    assert.ok(Math.abs(d - 1_067_000) < 3_000, `${d}`);
    const step = haversineM(jingan, { lat: jingan.lat + 0.001, lng: jingan.lng });
    assert.ok(Math.abs(step - 111.2) < 0.5, `${step}`);
  });
});

describe('coordinates', () => {
  it('refuses coordinates off the globe as bad input', () => {
    for (const bad of [
      { lat: 91, lng: 0 },
      { lat: -90.5, lng: 0 },
      { lat: 0, lng: 181 },
      { lat: Number.NaN, lng: 0 },
    ]) {
      assert.throws(
        () => assertCoordinates(bad),
        (err: { extensions: { code: string } }) => err.extensions.code === 'BAD_USER_INPUT',
      );
    }
    assertCoordinates({ lat: -90, lng: 180 });
  });

  it('names the coordinate that is wrong in extensions.field', () => {
    const fieldOf = (coords: { lat: number; lng: number }) => {
      try {
        assertCoordinates(coords);
      } catch (err) {
        return (err as { extensions: { field?: string } }).extensions.field;
      }
      return undefined;
    };
    assert.equal(fieldOf({ lat: 91, lng: 0 }), 'lat');
    assert.equal(fieldOf({ lat: 0, lng: -181 }), 'lng');
    assert.equal(fieldOf({ lat: 0, lng: Number.NaN }), 'lng');
  });
});

describe('accuracy-aware geofence', () => {
  const venue = { ...jingan, radiusM: 200 };
  const north = (metres: number) => ({ lat: jingan.lat + metres / 111_195, lng: jingan.lng });

  it('accepts a precise fix inside the radius', () => {
    assert.deepEqual(checkGeofence(venue, { ...north(150), accuracyM: 5 }, 100).ok, true);
  });

  it('accepts a fix whose uncertainty circle reaches the venue circle', () => {
    assert.equal(checkGeofence(venue, { ...north(260), accuracyM: 80 }, 100).ok, true);
  });

  it('refuses a fix whose uncertainty circle stays outside', () => {
    const verdict = checkGeofence(venue, { ...north(320), accuracyM: 80 }, 100);
    assert.equal(verdict.ok, false);
    assert.equal(!verdict.ok && verdict.reason, 'OUTSIDE');
  });

  it('refuses a fix less accurate than the limit, even at the venue', () => {
    const verdict = checkGeofence(venue, { ...jingan, accuracyM: 150 }, 100);
    assert.equal(!verdict.ok && verdict.reason, 'TOO_INACCURATE');
  });
});
