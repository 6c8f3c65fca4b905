# Reports an admin builds from Get-HubAccessToken: Export-Csv and ConvertTo-Json of the token
# objects (scopes as readable text in a CSV, still a list in scripts and JSON), and the report
# example of Get-HubAccessToken's help, run as printed against the emulator.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')

    function Get-Stamp {
        # An RFC 3339 UTC instant this many days from now (negative: in the past).
        param([double] $Days)
        [DateTime]::UtcNow.AddDays($Days).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture)
    }

    $script:Account = New-TestAccount -Prefix 'report'
    Add-TestToken -Username $script:Account.Username -Token @(
        @{ token_label = 'two-scopes'; scopes = @('repo:read', 'repo:write'); last_used = Get-Stamp -1; created_at = Get-Stamp -10 }
        @{ token_label = 'no-scopes'; scopes = $null; last_used = Get-Stamp -2; created_at = Get-Stamp -20 }
        @{ token_label = 'stale'; scopes = @('repo:admin'); last_used = Get-Stamp -200; created_at = Get-Stamp -400 }
        @{ token_label = 'never-used'; scopes = @('repo:read'); created_at = Get-Stamp -50 }
        @{ token_label = 'expiring'; scopes = @('repo:public_read'); last_used = Get-Stamp -3; created_at = Get-Stamp -300; expires_at = Get-Stamp 10 }
        @{ token_label = 'stale-and-expiring'; scopes = @('repo:write'); last_used = Get-Stamp -100; created_at = Get-Stamp -300; expires_at = Get-Stamp 20 }
    ) | Out-Null
    Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Scopes in reports' {
    BeforeAll {
        $csv = Join-Path $TestDrive 'tokens.csv'
        Get-HubAccessToken | Export-Csv -Path $csv -NoTypeInformation
        $rows = @{}
        foreach ($row in Import-Csv -Path $csv) { $rows[$row.Label] = $row }
    }

    It 'Export-Csv writes the scopes as text: "<Expected>" for <Label>' -ForEach @(
        @{ Label = 'two-scopes'; Expected = 'repo:read, repo:write' }
        @{ Label = 'stale'; Expected = 'repo:admin' }
        @{ Label = 'no-scopes'; Expected = '' }
    ) {
        $rows[$Label].Scopes | Should -BeExactly $Expected
    }

    It 'Export-Csv writes no type name in any column' {
        Get-Content -Path $csv -Raw | Should -Not -Match 'System\.String\[\]|DockerHubPat\.'
    }

    It 'Export-Csv writes the public properties only' {
        $header = (Get-Content -Path $csv -TotalCount 1) -replace '"', '' -split ','
        $header | Should -Contain 'Scopes'
        $header | Should -Contain 'GeneratedBy'
        $header | Should -Not -Contain 'ListingTotal'
    }

    It 'keeps Scopes a list for scripts: -contains, indexing, Count, foreach, -join' {
        $token = Get-HubAccessToken -Label 'two-scopes'
        $token.Scopes -contains 'repo:read' | Should -BeTrue
        $token.Scopes -contains 'repo:admin' | Should -BeFalse
        $token.Scopes[0] | Should -BeExactly 'repo:read'
        $token.Scopes[-1] | Should -BeExactly 'repo:write'
        $token.Scopes.Count | Should -Be 2
        @(foreach ($scope in $token.Scopes) { $scope.ToUpperInvariant() }) | Should -Be @('REPO:READ', 'REPO:WRITE')
        $token.Scopes -join '|' | Should -BeExactly 'repo:read|repo:write'
        @(Get-HubAccessToken | Where-Object { $_.Scopes -contains 'repo:admin' }).Label | Should -Be @('stale')
    }

    It 'ConvertTo-Json writes the scopes as a JSON array, and nothing internal' {
        $json = Get-HubAccessToken -Label 'two-scopes' | ConvertTo-Json -Compress
        $json | Should -Match '"Scopes":\["repo:read","repo:write"\]'
        $json | Should -Not -Match 'ListingTotal'
        (Get-HubAccessToken -Label 'no-scopes' | ConvertTo-Json -Compress) | Should -Match '"Scopes":\[\]'
    }
}

Describe 'The report example of Get-HubAccessToken''s help' {
    BeforeAll {
        $example = @((Get-Help Get-HubAccessToken).examples.example | Where-Object { $_.code -match 'Export-Csv' })
    }

    It 'exists, and lists stale, never-used and expiring tokens with Export-Csv' {
        $example.Count | Should -Be 1
        $example[0].code | Should -Match 'LastUsedAt'
        $example[0].code | Should -Match 'ExpiresAt'
        $example[0].code | Should -Match 'AddDays\(30\)'
    }

    It 'runs as printed and writes one row per token that needs attention, with its findings' {
        Push-Location $TestDrive
        try {
            Invoke-Expression $example[0].code
            $rows = @(Import-Csv -Path ./hub-token-report.csv)
        }
        finally {
            Pop-Location
        }
        $found = @{}
        foreach ($row in $rows) { $found[$row.Label] = $row.Findings }
        @($found.Keys | Sort-Object) | Should -Be @('expiring', 'never-used', 'stale', 'stale-and-expiring')
        $found['stale'] | Should -Be 'stale: unused for 90 days'
        $found['never-used'] | Should -Be 'never used'
        $found['expiring'] | Should -Be 'expires within 30 days'
        $found['stale-and-expiring'] | Should -Be 'stale: unused for 90 days; expires within 30 days'
        ($rows | Where-Object Label -EQ 'stale').Scopes | Should -BeExactly 'repo:admin'
    }
}
