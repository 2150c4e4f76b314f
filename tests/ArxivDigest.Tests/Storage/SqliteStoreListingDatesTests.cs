using ArxivDigest.Papers;
using ArxivDigest.Storage;

namespace ArxivDigest.Tests.Storage;

public sealed class SqliteStoreListingDatesTests
{
    [Fact]
    public async Task Listing_dates_of_a_category_come_back_newest_first_and_only_for_that_category()
    {
        var dir = Directory.CreateTempSubdirectory("arxiv-digest-dates-").FullName;
        try
        {
            await using var store = await SqliteStore.OpenAsync(Path.Combine(dir, "s.db"), CancellationToken.None);
            var paper = new Paper { Id = "2603.00001", Version = 1, Title = "A paper" };
            foreach (var (cat, day) in new[] { ("cs", 24), ("cs", 26), ("cs", 25), ("math", 27) })
            {
                var date = new DateOnly(2026, 3, day);
                await store.SaveAnnouncementAsync(new Announcement { Category = cat, ListingDate = date, Papers = [paper with { ListingDate = date }] }, "test", DateTimeOffset.UtcNow, CancellationToken.None);
            }

            Assert.Equal([new DateOnly(2026, 3, 26), new DateOnly(2026, 3, 25), new DateOnly(2026, 3, 24)], await store.GetListingDatesAsync("cs", CancellationToken.None));
            Assert.Empty(await store.GetListingDatesAsync("physics", CancellationToken.None));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
