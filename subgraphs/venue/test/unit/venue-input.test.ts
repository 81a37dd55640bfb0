import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateNewVenue, validateVenueChanges } from '../../src/catalog/venue-input.ts';

const input = {
  cityCode: '310000',
  slug: 'jingan-sports-center',
  name: ' 静安体育中心 ',
  address: '静安区江宁路 428 号',
  lat: 31.2352,
  lng: 121.4456,
  sports: ['Basketball', 'swimming', 'basketball'],
  openingHours: [{ weekday: 1, spans: [{ openMinute: 360, closeMinute: 1320 }] }],
};

describe('venue input', () => {
  it('normalises and fills defaults (city zone, radius 200 m, stay 90 min)', () => {
    const v = validateNewVenue(input, 'Asia/Shanghai', 240);
    assert.equal(v.name, '静安体育中心');
    assert.deepEqual(v.sports, ['basketball', 'swimming']);
    assert.deepEqual(
      [v.timeZone, v.checkinRadiusM, v.typicalStayMin, v.capacity],
      ['Asia/Shanghai', 200, 90, null],
    );
  });

  it('refuses bad slugs, zones, coordinates, stays beyond the cap', () => {
    for (const bad of [
      { ...input, slug: 'Has Space' },
      { ...input, timeZone: 'Mars/Olympus' },
      { ...input, lat: 100 },
      { ...input, typicalStayMin: 300 },
      { ...input, sports: [] },
    ])
      assert.throws(
        () => validateNewVenue(bad, 'Asia/Shanghai', 240),
        (err: { extensions: { code: string } }) => err.extensions.code === 'BAD_USER_INPUT',
      );
  });

  it('changes only what an update names; capacity is cleared explicitly', () => {
    assert.deepEqual(validateVenueChanges({ name: '新名字', capacity: null }, 240), { name: '新名字' });
    assert.deepEqual(validateVenueChanges({ clearCapacity: true }, 240), { capacity: null });
    assert.throws(() => validateVenueChanges({ lat: 31 }, 240), /together/);
  });
});
